@testable import BuraqScaling
import BuraqTestSupport
import Testing

/// `ScalingHistory` keeps only the recommendations that can still decide a stabilization window;
/// these tests check that dropping the others never changes a result.
struct HistoryCompactionTests {
    static let windows: [Int32] = [0, 3, 60, 300]

    /// Records `steps` random recommendations and, after each, compares the stabilized result of
    /// the compacted history with that of the full list, for every pair of windows and a spread
    /// of desired and current counts, at the newest time and later.
    func compare(seed: UInt64, steps: Int, maxReplicas: Int32, timeStep: ClosedRange<Int64>) {
        var g = SeededRandom(seed: seed)
        var history = ScalingHistory()
        var full: [ScalingHistory.Recommendation] = []
        var time = ScalingTime.seconds(1_000)
        for step in 0..<steps {
            time = time.adding(milliseconds: Int64.random(in: timeStep, using: &g))
            let replicas = Int32.random(in: 0...maxReplicas, using: &g)
            history.record(recommendation: replicas, at: time)
            full.append(ScalingHistory.Recommendation(replicas: replicas, time: time))
            if timeStep.lowerBound >= 0 {
                // With time moving forward, only suffix maxima and minima remain (the clock-back
                // case keeps more; pruning by age bounds it in real use).
                #expect(history.recommendations.count <= 2 * Int(maxReplicas + 1), "seed \(seed) step \(step)")
            }
            for later in [Int64(0), 2_000, 20_000] {
                let evaluated = time.adding(milliseconds: later)
                for up in Self.windows {
                    for down in Self.windows {
                        let desired = Int32.random(in: 0...maxReplicas, using: &g)
                        let current = Int32.random(in: 0...maxReplicas, using: &g)
                        let expected = Stabilizer.stabilize(
                            desired: desired, current: current, recommendations: full, scaleUpWindowSeconds: up,
                            scaleDownWindowSeconds: down, now: evaluated)
                        let actual = Stabilizer.stabilize(
                            desired: desired, current: current, recommendations: history.recommendations,
                            scaleUpWindowSeconds: up, scaleDownWindowSeconds: down, now: evaluated)
                        #expect(actual == expected, "seed \(seed) step \(step) up \(up) down \(down) +\(later) ms")
                    }
                }
            }
        }
    }

    // Kept small: these run on the cooperative pool beside the I/O tests, whose timeouts a
    // few seconds of pure computation on both threads would trip.
    @Test(arguments: 0..<12)
    func compactedHistoryStabilizesLikeTheFullOne(seed: Int) {
        compare(seed: UInt64(seed), steps: 80, maxReplicas: Int32(seed % 12), timeStep: 0...4_000)
    }

    /// A wall clock that steps back: a newer recommendation with an earlier time must not stand
    /// in for an older one that stays in the window longer.
    @Test(arguments: 0..<6)
    func clockSteppingBackNeverDropsARecommendationThatStillCounts(seed: Int) {
        compare(seed: UInt64(1_000 + seed), steps: 60, maxReplicas: 8, timeStep: -3_000...3_000)
    }

    @Test func equalRecommendationsCollapseIntoTheNewest() {
        var history = ScalingHistory()
        for second in 0..<300 { history.record(recommendation: 4, at: .seconds(Int64(second))) }
        #expect(history.recommendations == [ScalingHistory.Recommendation(replicas: 4, time: .seconds(299))])
    }

    @Test func keepsTheSuffixMaximaAndMinima() {
        var history = ScalingHistory()
        for (second, replicas) in [5, 9, 2, 7, 3, 6].enumerated() {
            history.record(recommendation: Int32(replicas), at: .seconds(Int64(second)))
        }
        // 9 (highest of all, newest such) and 2 (lowest) stay; 5 is outranked by 9 and 2;
        // 7 and 3 still bound the newer 6 from above and below.
        #expect(history.recommendations.map(\.replicas) == [9, 2, 7, 3, 6])
    }
}
