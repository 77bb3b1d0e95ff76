import BuraqScaling
import Testing

/// The cases of the HPA's `TestNormalizeDesiredReplicasWithBehavior`, replayed against `Stabilizer`.
struct StabilizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var recommendations: [ScalingHistory.Recommendation]
        var current: Int32
        var desired: Int32
        var expected: Int32
        var up: Int32 = 0
        var down: Int32 = 0
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty recommendations for scaling down", recommendations: [], current: 100, desired: 5, expected: 5),
        Case(name: "simple scale down stabilization", recommendations: [rec(4, 120), rec(5, 60)], current: 100, desired: 3, expected: 5, down: 180),
        Case(name: "simple scale up stabilization", recommendations: [rec(4, 120), rec(5, 60)], current: 1, desired: 7, expected: 4, up: 300),
        Case(name: "no scale down stabilization", recommendations: [rec(1, 120), rec(2, 60)], current: 100, desired: 3, expected: 3, up: 300),
        Case(name: "no scale up stabilization", recommendations: [rec(4, 120), rec(5, 60)], current: 1, desired: 3, expected: 3, down: 300),
        Case(name: "no scale down stabilization, old recommendations", recommendations: [rec(10, 600), rec(9, 540)], current: 100, desired: 3, expected: 3),
        Case(name: "no scale up stabilization, old recommendations", recommendations: [rec(10, 600), rec(9, 540)], current: 1, desired: 100, expected: 100),
        Case(name: "scale down stabilization among obsolete ones", recommendations: [rec(10, 600), rec(4, 60), rec(5, 120), rec(9, 540)], current: 100, desired: 3, expected: 5, down: 180),
        Case(name: "scale up stabilization among obsolete ones", recommendations: [rec(10, 6000), rec(6, 60), rec(5, 120), rec(9, 180)], current: 1, desired: 100, expected: 5, up: 300),
        Case(name: "both windows: no scale up when the proposal goes down", recommendations: [rec(2, 6000), rec(3, 180)], current: 2, desired: 1, expected: 2, up: 300, down: 300),
        Case(name: "both windows: no scale down when the proposal goes up", recommendations: [rec(2, 6000), rec(1, 180)], current: 2, desired: 3, expected: 2, up: 300, down: 300),
    ]

    @Test(arguments: cases)
    func hpaStabilization(_ c: Case) {
        let stabilized = Stabilizer.stabilize(
            desired: c.desired, current: c.current, recommendations: c.recommendations, scaleUpWindowSeconds: c.up,
            scaleDownWindowSeconds: c.down, now: now)
        #expect(stabilized == c.expected)
    }

    struct EdgeCase: Sendable, CustomTestStringConvertible {
        var scalingUp: Bool
        var ageMilliseconds: Int64
        var expected: Int32
        var testDescription: String { "\(scalingUp ? "up" : "down") window, record \(ageMilliseconds) ms old" }
    }

    /// A recommendation exactly as old as the window no longer counts; one a millisecond younger does.
    /// Down: desired 3 from 8 with an 8 in the 300 s window. Up: desired 9 from 2 with a 2 in the 60 s window.
    @Test(arguments: [
        EdgeCase(scalingUp: false, ageMilliseconds: 300_000, expected: 3),
        EdgeCase(scalingUp: false, ageMilliseconds: 299_999, expected: 8),
        EdgeCase(scalingUp: true, ageMilliseconds: 60_000, expected: 9),
        EdgeCase(scalingUp: true, ageMilliseconds: 59_999, expected: 2),
    ])
    func windowEdge(_ c: EdgeCase) {
        let (current, desired): (Int32, Int32) = c.scalingUp ? (2, 9) : (8, 3)
        let old = ScalingHistory.Recommendation(replicas: current, time: now.adding(milliseconds: -c.ageMilliseconds))
        let stabilized = Stabilizer.stabilize(
            desired: desired, current: current, recommendations: [old], scaleUpWindowSeconds: c.scalingUp ? 60 : 0,
            scaleDownWindowSeconds: c.scalingUp ? 0 : 300, now: now)
        #expect(stabilized == c.expected)
    }

    /// A 0 s window holds nothing, not even a recommendation made at this very instant.
    @Test func zeroWindowIgnoresARecommendationFromNow() {
        let stabilized = Stabilizer.stabilize(
            desired: 2, current: 9, recommendations: [rec(9, 0)], scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 0, now: now)
        #expect(stabilized == 2)
    }
}
