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

    /// A recommendation exactly as old as the window no longer counts; one a millisecond younger does.
    @Test(arguments: [(Int64(300_000), Int32(3)), (299_999, 8)])
    func scaleDownWindowEdge(ageMilliseconds: Int64, expected: Int32) {
        let old = ScalingHistory.Recommendation(replicas: 8, time: now.adding(milliseconds: -ageMilliseconds))
        let stabilized = Stabilizer.stabilize(
            desired: 3, current: 8, recommendations: [old], scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 300, now: now)
        #expect(stabilized == expected)
    }

    @Test(arguments: [(Int64(60_000), Int32(9)), (59_999, 2)])
    func scaleUpWindowEdge(ageMilliseconds: Int64, expected: Int32) {
        let old = ScalingHistory.Recommendation(replicas: 2, time: now.adding(milliseconds: -ageMilliseconds))
        let stabilized = Stabilizer.stabilize(
            desired: 9, current: 2, recommendations: [old], scaleUpWindowSeconds: 60, scaleDownWindowSeconds: 0, now: now)
        #expect(stabilized == expected)
    }

    /// A 0 s window holds nothing, not even a recommendation made at this very instant.
    @Test func zeroWindowIgnoresARecommendationFromNow() {
        let stabilized = Stabilizer.stabilize(
            desired: 2, current: 9, recommendations: [rec(9, 0)], scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 0, now: now)
        #expect(stabilized == 2)
    }
}
