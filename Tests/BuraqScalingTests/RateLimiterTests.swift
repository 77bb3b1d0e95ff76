import BuraqScaling
import Testing

/// The cases of the HPA's `TestScalingWithRules` (horizontal_test.go), replayed against `RateLimiter.limit`.
struct RateLimiterTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var upEvents: [Int32] = []
        var downEvents: [Int32] = []
        var eventSpan: Int64 = 120
        var min: Int32
        var max: Int32
        var up: ScalingRules?
        var down: ScalingRules?
        var current: Int32
        var desired: Int32
        var expected: Int32
        var reason: ScalingReason
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "within range", min: 3, max: 8, current: 5, desired: 7, expected: 7, reason: .desiredWithinRange),
        Case(name: "desired < minReplicas", min: 2, max: 8, current: 3, desired: 1, expected: 2, reason: .tooFewReplicas),
        Case(name: "desired 0 within range when min is 0", min: 0, max: 10, current: 1, desired: 0, expected: 0, reason: .desiredWithinRange),
        Case(name: "maxReplicas below scale-up limit", min: 1, max: 10, current: 20, desired: 1000, expected: 10, reason: .tooManyReplicas),
        Case(name: "desired above maxReplicas", min: 100, max: 150, current: 100, desired: 1000, expected: 150, reason: .tooManyReplicas),
        Case(name: "1% policy rounds up to one more pod", min: 1, max: 2000, up: rules(percent: 1, percentPeriod: 60), current: 3, desired: 1000, expected: 4, reason: .scaleUpLimit),
        Case(name: "scale-down pods policy above minReplicas", min: 3, max: 2000, down: rules(pods: 20, podsPeriod: 60), current: 1000, desired: 3, expected: 980, reason: .scaleDownLimit),
        Case(name: "scale-up default behavior", min: 1, max: 1000, current: 10, desired: 50, expected: 20, reason: .scaleUpLimit),
        Case(name: "pods policy larger than percent", min: 1, max: 1000, up: rules(pods: 100, podsPeriod: 60, percent: 100, percentPeriod: 60), current: 10, desired: 500, expected: 110, reason: .scaleUpLimit),
        Case(name: "percent policy larger than pods", min: 1, max: 1000, up: rules(pods: 2, podsPeriod: 60, percent: 100, percentPeriod: 60), current: 10, desired: 500, expected: 20, reason: .scaleUpLimit),
        Case(name: "large pods policy", min: 1, max: 1000, up: rules(pods: 100, podsPeriod: 60), current: 10, desired: 50, expected: 50, reason: .desiredWithinRange),
        Case(name: "very large pods policy", min: 1, max: 1000, up: rules(pods: 10000, podsPeriod: 60), current: 10, desired: 50, expected: 50, reason: .desiredWithinRange),
        Case(name: "pods policy limits", min: 1, max: 1000, up: rules(pods: 30, podsPeriod: 60), current: 10, desired: 50, expected: 40, reason: .scaleUpLimit),
        Case(name: "percent policy limits", min: 1, max: 1000, up: rules(percent: 200, percentPeriod: 60), current: 10, desired: 50, expected: 30, reason: .scaleUpLimit),
        Case(name: "scale-down percent larger than pods", min: 1, max: 1000, down: rules(pods: 20, podsPeriod: 60, percent: 1, percentPeriod: 60, window: 300), current: 100, desired: 2, expected: 80, reason: .scaleDownLimit),
        Case(name: "scale-down pods larger than percent", min: 1, max: 1000, down: rules(pods: 2, podsPeriod: 60, percent: 1, percentPeriod: 60, window: 300), current: 100, desired: 2, expected: 98, reason: .scaleDownLimit),
        Case(name: "scale-down large pods policy stops at minReplicas", min: 1, max: 1000, down: rules(pods: 100, podsPeriod: 60, window: 300), current: 10, desired: 0, expected: 1, reason: .tooFewReplicas),
        Case(name: "scale-down large percent policy stops at minReplicas", min: 5, max: 1000, down: rules(percent: 100, percentPeriod: 60, window: 300), current: 10, desired: 2, expected: 5, reason: .tooFewReplicas),
        Case(name: "scale-down pods policy limits", min: 1, max: 1000, down: rules(pods: 5, podsPeriod: 60, window: 300), current: 10, desired: 2, expected: 5, reason: .scaleDownLimit),
        Case(name: "scale-down percent policy allows desired", min: 1, max: 1000, down: rules(percent: 50, percentPeriod: 60, window: 300), current: 10, desired: 5, expected: 5, reason: .desiredWithinRange),
        Case(name: "events: large pods policy, maxReplicas wins", upEvents: [1, 5, 9], min: 1, max: 200, up: rules(pods: 300, podsPeriod: 60), current: 100, desired: 500, expected: 200, reason: .tooManyReplicas),
        Case(name: "events: large percent policy, maxReplicas wins", upEvents: [1, 5, 9], min: 1, max: 200, up: rules(percent: 10000, percentPeriod: 60), current: 100, desired: 500, expected: 200, reason: .tooManyReplicas),
        Case(name: "events: budget used up keeps current", upEvents: [1, 5, 9], min: 1, max: 1000, up: rules(pods: 5, podsPeriod: 120), current: 100, desired: 500, expected: 100, reason: .scaleUpLimit),
        Case(name: "events: pods policy counts earlier scale-ups", upEvents: [1, 5, 9], min: 1, max: 1000, up: rules(pods: 150, podsPeriod: 120), current: 100, desired: 500, expected: 235, reason: .scaleUpLimit),
        Case(name: "events: percent policy counts earlier scale-ups", upEvents: [1, 5, 9], min: 1, max: 1000, up: rules(percent: 200, percentPeriod: 120), current: 100, desired: 500, expected: 255, reason: .scaleUpLimit),
        Case(name: "events: scale-up limit counts scale-downs too", upEvents: [4], downEvents: [2], min: 1, max: 1000, up: rules(percent: 300, percentPeriod: 300), current: 6, desired: 24, expected: 16, reason: .scaleUpLimit),
        Case(name: "events: default scale-down allows desired", downEvents: [1, 5, 9], min: 1, max: 1000, current: 10, desired: 5, expected: 5, reason: .desiredWithinRange),
        Case(name: "events: scale-down stops at minReplicas 1", downEvents: [1, 5, 9], min: 1, max: 1000, down: rules(pods: 115, podsPeriod: 120, window: 300), current: 100, desired: 0, expected: 1, reason: .tooFewReplicas),
        Case(name: "events: scale-down stops at minReplicas 5", downEvents: [1, 5, 9], min: 5, max: 1000, down: rules(pods: 130, podsPeriod: 120, window: 300), current: 100, desired: 0, expected: 5, reason: .tooFewReplicas),
        Case(name: "events: 100% scale-down stops at minReplicas", downEvents: [1, 5, 9], min: 5, max: 1000, down: rules(percent: 100, percentPeriod: 120, window: 300), current: 100, desired: 2, expected: 5, reason: .tooFewReplicas),
        Case(name: "events: scale-down budget used up", downEvents: [1, 5, 9], min: 1, max: 1000, down: rules(pods: 5, podsPeriod: 120, window: 300), current: 100, desired: 2, expected: 100, reason: .scaleDownLimit),
        Case(name: "events: percent scale-down counts earlier scale-downs", downEvents: [2, 4, 6], min: 1, max: 1000, down: rules(percent: 50, percentPeriod: 120, window: 300), current: 100, desired: 0, expected: 56, reason: .scaleDownLimit),
        Case(name: "events: scale-down limit counts scale-ups too", upEvents: [2], downEvents: [4], min: 1, max: 1000, down: rules(percent: 50, percentPeriod: 180), current: 10, desired: 1, expected: 6, reason: .scaleDownLimit),
        Case(name: "events: earlier scale-downs prevent more", downEvents: [10, 10, 10], min: 1, max: 1000, down: rules(percent: 10, percentPeriod: 120, window: 300), current: 100, desired: 0, expected: 100, reason: .scaleDownLimit),
        Case(name: "events: negative limit still allows desired", downEvents: [10, 10, 10], min: 1, max: 1000, down: rules(percent: 1000, percentPeriod: 120, window: 300), current: 10, desired: 5, expected: 5, reason: .desiredWithinRange),
        Case(name: "outdated up events, one policy", upEvents: [8, 12, 9, 11], min: 1, max: 1000, up: rules(pods: 1000, podsPeriod: 60), current: 100, desired: 200, expected: 200, reason: .desiredWithinRange),
        Case(name: "up events, two periods", upEvents: [8, 12, 9, 11], min: 1, max: 1000, up: rules(pods: 1000, podsPeriod: 120, percent: 100, percentPeriod: 60), current: 100, desired: 200, expected: 200, reason: .desiredWithinRange),
        Case(name: "up events, short and long periods", upEvents: [8, 12, 9, 11], min: 1, max: 1000, up: rules(pods: 1000, podsPeriod: 30, percent: 100, percentPeriod: 60), current: 100, desired: 200, expected: 200, reason: .desiredWithinRange),
        Case(name: "outdated down events, one policy", downEvents: [8, 12, 9, 11], min: 1, max: 1000, down: rules(pods: 1000, podsPeriod: 60, window: 300), current: 100, desired: 5, expected: 5, reason: .desiredWithinRange),
        Case(name: "down events, two periods", downEvents: [8, 12, 9, 11], min: 1, max: 1000, down: rules(pods: 1000, podsPeriod: 120, percent: 100, percentPeriod: 60, window: 300), current: 100, desired: 5, expected: 5, reason: .desiredWithinRange),
        Case(name: "down events, short and long periods", downEvents: [8, 12, 9, 11], min: 1, max: 1000, down: rules(pods: 1000, podsPeriod: 30, percent: 100, percentPeriod: 60, window: 300), current: 100, desired: 5, expected: 5, reason: .desiredWithinRange),
    ]

    @Test(arguments: cases)
    func hpaScalingWithRules(_ c: Case) {
        let history = ScalingHistory(
            scaleUpEvents: spread(c.upEvents, over: c.eventSpan), scaleDownEvents: spread(c.downEvents, over: c.eventSpan))
        let behavior = ScalingBehavior(scaleUp: c.up, scaleDown: c.down).resolved()
        let outcome = RateLimiter.limit(
            desired: c.desired, current: c.current, minReplicas: c.min, maxReplicas: c.max, behavior: behavior,
            history: history, now: now)
        #expect(outcome.replicas == c.expected)
        #expect(outcome.reason == c.reason)
    }

    struct RoundingCase: Sendable, CustomTestStringConvertible {
        var start: Int32
        var percent: Int32
        var up: Int64
        var down: Int64
        var testDescription: String { "\(start) at \(percent)%" }
    }

    /// Percent: up rounds up (so a small percentage still moves), down truncates toward zero.
    @Test(arguments: [
        RoundingCase(start: 3, percent: 10, up: 4, down: 2),  // 3.3 → 4; 2.7 → 2
        RoundingCase(start: 10, percent: 10, up: 11, down: 9),  // 11.000…0009 rounds to exactly 11 in IEEE doubles
        RoundingCase(start: 10, percent: 15, up: 12, down: 8),  // 11.5 → 12; 8.5 → 8
        RoundingCase(start: 7, percent: 10, up: 8, down: 6),  // 7.7 → 8; 6.3 → 6
        RoundingCase(start: 1, percent: 1, up: 2, down: 0),  // 1.01 → 2; 0.99 → 0
        RoundingCase(start: 4, percent: 50, up: 6, down: 2),  // exact both ways
        RoundingCase(start: 0, percent: 100, up: 0, down: 0),  // a percentage of nothing is nothing
        RoundingCase(start: 10, percent: 1000, up: 110, down: -90),  // below zero is allowed, clamped later
    ])
    func percentRounding(_ c: RoundingCase) {
        let up = ResolvedScalingRules(
            stabilizationWindowSeconds: 0, selectPolicy: .max, policies: [.percent(c.percent, perSeconds: 60)], tolerance: 0.1)
        #expect(
            RateLimiter.scaleUpLimit(current: c.start, rules: up, history: ScalingHistory(), now: now)
                == .limit(c.up, policy: .percent(c.percent, perSeconds: 60)))
        #expect(
            RateLimiter.scaleDownLimit(current: c.start, rules: up, history: ScalingHistory(), now: now)
                == .limit(c.down, policy: .percent(c.percent, perSeconds: 60)))
    }

    /// `TestCalculateScaleUpLimitWithScalingRules` and `TestCalculateScaleDownLimitWithBehaviors`: selectPolicy Min.
    @Test func selectPolicyMinTakesTheSmallestChange() {
        let min = ResolvedScalingRules(
            stabilizationWindowSeconds: 300, selectPolicy: .min,
            policies: [.pods(2, perSeconds: 60), .percent(50, perSeconds: 60)], tolerance: 0.1)
        #expect(
            RateLimiter.scaleUpLimit(current: 1, rules: min, history: ScalingHistory(), now: now)
                == .limit(2, policy: .percent(50, perSeconds: 60)))
        #expect(
            RateLimiter.scaleDownLimit(current: 5, rules: min, history: ScalingHistory(), now: now)
                == .limit(3, policy: .pods(2, perSeconds: 60)))
        var max = min
        max.selectPolicy = .max
        #expect(
            RateLimiter.scaleUpLimit(current: 1, rules: max, history: ScalingHistory(), now: now)
                == .limit(3, policy: .pods(2, perSeconds: 60)))
        #expect(
            RateLimiter.scaleDownLimit(current: 5, rules: max, history: ScalingHistory(), now: now)
                == .limit(2, policy: .percent(50, perSeconds: 60)))
    }

    @Test func selectPolicyDisabledHoldsEachDirection() {
        let disabled = ScalingRules(selectPolicy: .disabled)
        let behavior = ScalingBehavior(scaleUp: disabled, scaleDown: disabled).resolved()
        let up = RateLimiter.limit(
            desired: 9, current: 3, minReplicas: 1, maxReplicas: 10, behavior: behavior, history: ScalingHistory(), now: now)
        #expect(up == RateLimiter.Outcome(replicas: 3, reason: .scaleUpLimit, bound: .disabled))
        let down = RateLimiter.limit(
            desired: 1, current: 3, minReplicas: 1, maxReplicas: 10, behavior: behavior, history: ScalingHistory(), now: now)
        #expect(down == RateLimiter.Outcome(replicas: 3, reason: .scaleDownLimit, bound: .disabled))
        // Disabling scale-up leaves scale-down alone.
        let onlyUp = ScalingBehavior(scaleUp: disabled).resolved()
        let downAllowed = RateLimiter.limit(
            desired: 1, current: 3, minReplicas: 1, maxReplicas: 10, behavior: onlyUp, history: ScalingHistory(), now: now)
        #expect(downAllowed.replicas == 1)
    }

    /// An event exactly as old as the period no longer counts; one a millisecond younger does.
    @Test(arguments: [(Int64(15_000), Int64(8)), (14_999, 4)])
    func eventAtThePeriodEdge(ageMilliseconds: Int64, expectedLimit: Int64) {
        let history = ScalingHistory(scaleUpEvents: [.init(replicaChange: 4, time: now.adding(milliseconds: -ageMilliseconds))])
        let rules = ResolvedScalingRules(
            stabilizationWindowSeconds: 0, selectPolicy: .max, policies: [.pods(4, perSeconds: 15)], tolerance: 0.1)
        // current 4: at the edge the period started at 4 (limit 8); inside it, at 0 (limit 4).
        #expect(
            RateLimiter.scaleUpLimit(current: 4, rules: rules, history: history, now: now)
                == .limit(expectedLimit, policy: .pods(4, perSeconds: 15)))
    }

    @Test func noRateLimitGoesStraightToDesiredOrMax() {
        let preset = ResolvedScalingBehavior.taskQueueDefaults
        let within = RateLimiter.limit(
            desired: 37, current: 1, minReplicas: 0, maxReplicas: 40, behavior: preset, history: ScalingHistory(), now: now)
        #expect(within == RateLimiter.Outcome(replicas: 37, reason: .desiredWithinRange, bound: .none))
        let capped = RateLimiter.limit(
            desired: 400, current: 1, minReplicas: 0, maxReplicas: 40, behavior: preset, history: ScalingHistory(), now: now)
        #expect(capped == RateLimiter.Outcome(replicas: 40, reason: .tooManyReplicas, bound: .maxReplicas))
    }
}
