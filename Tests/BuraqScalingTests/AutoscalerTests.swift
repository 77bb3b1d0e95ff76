import BuraqScaling
import Testing

/// A spec with HPA defaults unless told otherwise.
func spec(
    min: Int32 = 1, max: Int32 = 10, target: Int64 = 100, threshold: Int64 = 0, cooldown: Int32 = 60,
    behavior: ScalingBehavior? = .autoscalingV2Defaults, metric: ScalingMetric = .backlog
) -> ScalingSpec {
    ScalingSpec(
        metric: metric, targetPerReplica: target, activationThreshold: threshold, minReplicas: min, maxReplicas: max,
        cooldownPeriodSeconds: cooldown, behavior: behavior)
}

/// Decides at `now` (or `time`).
func decide(
    _ spec: ScalingSpec, current: Int32, _ metrics: QueueMetrics, history: ScalingHistory = ScalingHistory(),
    time: ScalingTime = now
) -> ScalingDecision {
    Autoscaler.decide(metrics: metrics, spec: spec, currentReplicas: current, history: history, now: time)
}

struct AutoscalerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: ScalingSpec
        var current: Int32
        var metrics: QueueMetrics
        var history = ScalingHistory()
        var replicas: Int32
        var reason: ScalingReason
        var message: String
        var testDescription: String { name }
    }

    static let noDownWindow = ScalingBehavior(scaleDown: ScalingRules(stabilizationWindowSeconds: 0))

    /// Each HPA rule through the entry point, with the sentence it writes.
    static let ruleCases: [Case] = [
        Case(
            name: "DesiredWithinRange", spec: spec(), current: 2, metrics: backlog(300), replicas: 3,
            reason: .desiredWithinRange,
            message: "backlog 300 / target 100 per replica = 3 replicas; scaling from 2 to 3 replicas"),
        Case(
            name: "ScaleUpLimit", spec: spec(max: 20), current: 4, metrics: backlog(1200), replicas: 8,
            reason: .scaleUpLimit,
            message:
                "backlog 1200 / target 100 per replica = 12 replicas, limited to 8 by scale-up policy Pods 4 per 15s; scaling from 4 to 8 replicas"
        ),
        Case(
            name: "TooManyReplicas", spec: spec(max: 10), current: 8, metrics: backlog(5000), replicas: 10,
            reason: .tooManyReplicas,
            message: "backlog 5000 / target 100 per replica = 50 replicas, limited to 10 by maxReplicas; scaling from 8 to 10 replicas"),
        Case(
            name: "TooFewReplicas", spec: spec(min: 3, behavior: noDownWindow), current: 5, metrics: backlog(0), replicas: 3,
            reason: .tooFewReplicas,
            message: "backlog 0 / target 100 per replica = 0 replicas, raised to 3 by minReplicas; scaling from 5 to 3 replicas"),
        Case(
            name: "ScaleDownLimit",
            spec: spec(behavior: ScalingBehavior(scaleDown: rules(pods: 1, podsPeriod: 60))), current: 5,
            metrics: backlog(100), replicas: 4, reason: .scaleDownLimit,
            message: "backlog 100 / target 100 per replica = 1 replica, limited to 4 by scale-down policy Pods 1 per 60s; scaling from 5 to 4 replicas"),
        Case(
            name: "scale-down stabilization window", spec: spec(), current: 8, metrics: backlog(200),
            history: ScalingHistory(recommendations: [rec(8, 100)]), replicas: 8, reason: .desiredWithinRange,
            message: "backlog 200 / target 100 per replica = 2 replicas, held at 8 by the scale-down stabilization window of 300s; keeping 8 replicas"),
        Case(
            name: "a new history is seeded with the current count, so the first decision cannot scale down",
            spec: spec(), current: 5, metrics: backlog(100), replicas: 5, reason: .desiredWithinRange,
            message: "backlog 100 / target 100 per replica = 1 replica, held at 5 by the scale-down stabilization window of 300s; keeping 5 replicas"),
        Case(
            name: "scale-up stabilization window",
            spec: spec(behavior: ScalingBehavior(scaleUp: ScalingRules(stabilizationWindowSeconds: 60))), current: 3,
            metrics: backlog(900), history: ScalingHistory(recommendations: [rec(3, 30)]), replicas: 3,
            reason: .desiredWithinRange,
            message: "backlog 900 / target 100 per replica = 9 replicas, held at 3 by the scale-up stabilization window of 60s; keeping 3 replicas"),
        Case(
            name: "within tolerance", spec: spec(max: 20), current: 10, metrics: backlog(1050), replicas: 10,
            reason: .desiredWithinRange,
            message: "backlog 1050 / (target 100 × 10 replicas) = usage ratio 1.05, within tolerance [0.9, 1.1], so 10 replicas; keeping 10 replicas"),
        Case(
            name: "scale-up tolerance from behavior",
            spec: spec(max: 20, behavior: ScalingBehavior(scaleUp: ScalingRules(tolerance: 0.5))), current: 10,
            metrics: backlog(1400), replicas: 10, reason: .desiredWithinRange,
            message: "backlog 1400 / (target 100 × 10 replicas) = usage ratio 1.4, within tolerance [0.9, 1.5], so 10 replicas; keeping 10 replicas"),
        Case(
            name: "TaskQueue defaults scale up with no rate limit", spec: spec(max: 40, behavior: nil), current: 1,
            metrics: backlog(3700), replicas: 37, reason: .desiredWithinRange,
            message: "backlog 3700 / target 100 per replica = 37 replicas; scaling from 1 to 37 replicas"),
        Case(
            name: "current above maxReplicas goes to max whatever the metrics", spec: spec(max: 10), current: 12,
            metrics: QueueMetrics(), replicas: 10, reason: .tooManyReplicas,
            message: "12 replicas are above maxReplicas 10; scaling from 12 to 10 replicas"),
        Case(
            name: "current below minReplicas goes to min whatever the metrics", spec: spec(min: 3), current: 1,
            metrics: QueueMetrics(), replicas: 3, reason: .tooFewReplicas,
            message: "1 replica is below minReplicas 3; scaling from 1 to 3 replicas"),
        Case(
            name: "current above maxReplicas with minReplicas 0", spec: spec(min: 0, max: 10), current: 15,
            metrics: backlog(0), replicas: 10, reason: .tooManyReplicas,
            message: "15 replicas are above maxReplicas 10; scaling from 15 to 10 replicas"),
        Case(
            name: "zero replicas with minReplicas above zero: scaling disabled", spec: spec(min: 2), current: 0,
            metrics: backlog(5000), replicas: 0, reason: .scalingDisabled,
            message: "the target has 0 replicas and minReplicas is 2: scaling is disabled until it is scaled up by hand, as the HPA does; keeping 0 replicas"),
        Case(
            name: "lag unknown: backlog unknown, held", spec: spec(), current: 4,
            metrics: QueueMetrics(lag: nil, pending: 3, inFlight: 3), replicas: 4, reason: .metricsUnavailable,
            message: "backlog unknown (lag unknown): holding the replica count, never scaling on missing data; keeping 4 replicas"),
        Case(
            name: "lag metric unknown", spec: spec(metric: .lag), current: 4, metrics: QueueMetrics(pending: 3),
            replicas: 4, reason: .metricsUnavailable,
            message: "lag unknown: holding the replica count, never scaling on missing data; keeping 4 replicas"),
        Case(
            name: "length metric", spec: spec(behavior: noDownWindow, metric: .length), current: 4,
            metrics: QueueMetrics(lag: 0, pending: 0, length: 250), replicas: 3, reason: .desiredWithinRange,
            message: "length 250 / target 100 per replica = 3 replicas; scaling from 4 to 3 replicas"),
        Case(
            name: "pending metric known while lag is not", spec: spec(metric: .pending), current: 1,
            metrics: QueueMetrics(lag: nil, pending: 450), replicas: 5, reason: .desiredWithinRange,
            message: "pending 450 / target 100 per replica = 5 replicas; scaling from 1 to 5 replicas"),
    ]

    /// Decides `c` and checks the count, the reason and the sentence.
    func check(_ c: Case) {
        let decision = decide(c.spec, current: c.current, c.metrics, history: c.history)
        #expect(decision.replicas == c.replicas)
        #expect(decision.reason == c.reason)
        #expect(decision.message == c.message)
    }

    @Test(arguments: ruleCases)
    func rule(_ c: Case) {
        check(c)
    }

    static let activation: [Case] = [
        Case(
            name: "one task activates", spec: spec(min: 0, behavior: nil), current: 0, metrics: backlog(1), replicas: 1,
            reason: .activated,
            message: "backlog 1 is above activation threshold 0: activating; backlog 1 / target 100 per replica = 1 replica; scaling from 0 to 1 replica"),
        Case(
            name: "empty queue stays at zero", spec: spec(min: 0, behavior: nil), current: 0, metrics: backlog(0),
            replicas: 0, reason: .scaledToZero,
            message: "backlog 0 is not above activation threshold 0; keeping 0 replicas"),
        Case(
            name: "at the threshold stays at zero", spec: spec(min: 0, threshold: 10, behavior: nil), current: 0,
            metrics: backlog(10), replicas: 0, reason: .scaledToZero,
            message: "backlog 10 is not above activation threshold 10; keeping 0 replicas"),
        Case(
            name: "above the threshold activates", spec: spec(min: 0, threshold: 10, behavior: nil), current: 0,
            metrics: backlog(11), replicas: 1, reason: .activated,
            message: "backlog 11 is above activation threshold 10: activating; backlog 11 / target 100 per replica = 1 replica; scaling from 0 to 1 replica"),
        Case(
            name: "TaskQueue defaults activate straight to the desired count", spec: spec(min: 0, max: 40, behavior: nil),
            current: 0, metrics: backlog(5000), replicas: 40, reason: .activated,
            message: "backlog 5000 is above activation threshold 0: activating; backlog 5000 / target 100 per replica = 50 replicas, limited to 40 by maxReplicas; scaling from 0 to 40 replicas"),
        Case(
            name: "HPA defaults activate at the Pods 4 rate", spec: spec(min: 0, max: 40), current: 0,
            metrics: backlog(5000), replicas: 4, reason: .activated,
            message: "backlog 5000 is above activation threshold 0: activating; backlog 5000 / target 100 per replica = 50 replicas, limited to 4 by scale-up policy Pods 4 per 15s; scaling from 0 to 4 replicas"),
        Case(
            name: "a Percent-only policy allows nothing from zero, activation still gives one",
            spec: spec(min: 0, max: 40, behavior: ScalingBehavior(scaleUp: ScalingRules(policies: [.percent(100, perSeconds: 15)])))
                , current: 0, metrics: backlog(5000), replicas: 1, reason: .activated,
            message: "backlog 5000 is above activation threshold 0: activating; backlog 5000 / target 100 per replica = 50 replicas, held at 0: the scale-up policies allow no more within their periods (Percent 100 per 15s), raised to 1 to activate; scaling from 0 to 1 replica"),
        Case(
            name: "recent scale-down events raise the period's starting count", spec: spec(min: 0, max: 40), current: 0,
            metrics: backlog(5000),
            history: ScalingHistory(recommendations: [rec(0, 10)], scaleDownEvents: [.init(replicaChange: 5, time: at(-10))]),
            replicas: 10, reason: .activated,
            message: "backlog 5000 is above activation threshold 0: activating; backlog 5000 / target 100 per replica = 50 replicas, limited to 10 by scale-up policy Percent 100 per 15s; scaling from 0 to 10 replicas"),
        Case(
            name: "scale-up Disabled blocks activation",
            spec: spec(min: 0, behavior: ScalingBehavior(scaleUp: ScalingRules(selectPolicy: .disabled))), current: 0,
            metrics: backlog(5000), replicas: 0, reason: .scaleUpLimit,
            message: "backlog 5000 is above activation threshold 0, but scale-up is disabled (selectPolicy Disabled); keeping 0 replicas"),
        Case(
            name: "unknown backlog at zero stays at zero", spec: spec(min: 0, behavior: nil), current: 0,
            metrics: QueueMetrics(pending: 0), replicas: 0, reason: .metricsUnavailable,
            message: "backlog unknown (lag unknown): holding the replica count, never scaling on missing data; keeping 0 replicas"),
    ]

    @Test(arguments: activation)
    func scaleFromZero(_ c: Case) {
        check(c)
    }

    /// Runs `samples` (seconds after `now`, metrics) from `current`, returning every decision.
    func run(_ spec: ScalingSpec, from current: Int32, _ samples: [(Int64, QueueMetrics)]) -> [ScalingDecision] {
        var replicas = current
        var history = ScalingHistory()
        return samples.map { seconds, metrics in
            let decision = decide(spec, current: replicas, metrics, history: history, time: at(seconds))
            replicas = decision.replicas
            history = decision.history
            return decision
        }
    }

    /// docs/scaling.md's worked example.
    @Test func workedExample() {
        let metrics = QueueMetrics(lag: 900, pending: 300, inFlight: 300)
        let decisions = run(spec(max: 20), from: 4, [(0, metrics), (1, metrics), (15, metrics)])
        #expect(decisions.map(\.replicas) == [8, 8, 12])
        #expect(decisions.map(\.reason) == [.scaleUpLimit, .scaleUpLimit, .desiredWithinRange])
        #expect(
            decisions[1].message
                == "backlog 1200 / target 100 per replica = 12 replicas, held at 8: the scale-up policies allow no more within their periods (Pods 4 per 15s); keeping 8 replicas"
        )
        #expect(decide(spec(max: 20, behavior: nil), current: 4, metrics).replicas == 12)
    }

    @Test func scaleToZeroAfterTheCooldown() {
        let decisions = run(spec(min: 0, cooldown: 60, behavior: nil), from: 3, [0, 30, 59, 60].map { ($0, backlog(0)) })
        #expect(decisions.map(\.replicas) == [3, 3, 3, 0])
        #expect(decisions.map(\.reason) == [.coolingDown, .coolingDown, .coolingDown, .scaledToZero])
        #expect(
            decisions[0].message
                == "queue idle for 0s of cooldown 60s before scaling to zero; backlog 0 / target 100 per replica = 0 replicas, held at 3 by the scale-down stabilization window of 60s; keeping 3 replicas"
        )
        #expect(
            decisions[3].message
                == "queue idle (backlog 0, in flight 0) for 60s, cooldown 60s has passed; scaling from 3 to 0 replicas")
        #expect(decisions[3].history.scaleDownEvents.last == ScalingHistory.ScaleEvent(replicaChange: 3, time: at(60)))
    }

    @Test func workInFlightRestartsTheCooldown() {
        let samples: [(Int64, QueueMetrics)] = [
            (0, backlog(0)), (30, backlog(0, inFlight: 2)), (31, backlog(0)), (90, backlog(0)), (91, backlog(0)),
        ]
        let decisions = run(spec(min: 0, behavior: nil), from: 1, samples)
        #expect(decisions.map(\.reason) == [.coolingDown, .desiredWithinRange, .coolingDown, .coolingDown, .scaledToZero])
        #expect(decisions.map(\.replicas) == [1, 1, 1, 1, 0])
        #expect(decisions[1].history.idleSince == nil)
        #expect(decisions[2].history.idleSince == at(31))
    }

    @Test func unknownInFlightNeverScalesToZero() {
        // lag 0 but nothing known about work in flight: not idle, however long it lasts.
        let samples = (0...20).map { (Int64($0) * 60, QueueMetrics(lag: 0)) }
        let decisions = run(spec(min: 0, behavior: nil, metric: .lag), from: 1, samples)
        #expect(decisions.allSatisfy { $0.replicas == 1 })
        #expect(decisions.last?.reason == .tooFewReplicas)
        #expect(
            decisions.last?.message
                == "lag 0 / target 100 per replica = 0 replicas, kept at 1: with minReplicas 0 only an idle queue (lag and in flight 0) scales to zero, after the cooldown; keeping 1 replica"
        )
    }

    @Test func missingMetricsHoldAndResetTheIdleClock() {
        var samples = (0...10).map { (Int64($0) * 10, backlog(0)) }
        samples[6] = (60, QueueMetrics())
        let decisions = run(spec(min: 0, cooldown: 60, behavior: nil), from: 2, samples)
        #expect(decisions[6].reason == .metricsUnavailable)
        #expect(decisions[6].replicas == 2)
        #expect(decisions[6].history.idleSince == nil)
        // Idle again from 70 s: the 60 s cooldown starts over and has not passed by 100 s, while the
        // scale-down window (60 s since the seeded recommendation) has: down to the floor of 1.
        #expect(decisions[7].history.idleSince == at(70))
        #expect(decisions[10].reason == .coolingDown)
        #expect(decisions.map(\.replicas) == [2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1])
    }

    @Test func disabledScaleDownBlocksScaleToZero() {
        let behavior = ScalingBehavior(scaleDown: ScalingRules(selectPolicy: .disabled))
        let decisions = run(spec(min: 0, cooldown: 30, behavior: behavior), from: 2, [0, 40, 400].map { ($0, backlog(0)) })
        #expect(decisions.map(\.replicas) == [2, 2, 2])
        #expect(decisions.last?.reason == .scaleDownLimit)
    }

    @Test func zeroCooldownScalesToZeroOnTheFirstIdleReading() {
        let decision = decide(spec(min: 0, cooldown: 0, behavior: nil), current: 4, backlog(0))
        #expect(decision.replicas == 0)
        #expect(decision.reason == .scaledToZero)
    }

    @Test func bypassesAreRecordedAsScaleEvents() {
        let decision = decide(spec(max: 10), current: 12, QueueMetrics())
        #expect(decision.isLimited)
        #expect(decision.history.scaleDownEvents == [ScalingHistory.ScaleEvent(replicaChange: 2, time: now)])
        #expect(decision.history.recommendations == [ScalingHistory.Recommendation(replicas: 12, time: now)])
    }

    @Test func historyIsPrunedToTheLongestWindowAndPeriod() {
        var samples: [(Int64, QueueMetrics)] = []
        for second in 0..<400 { samples.append((Int64(second), backlog(Int64((second * 37) % 1500)))) }
        let hpa = run(spec(max: 20), from: 1, samples).last!.history
        #expect(!hpa.recommendations.isEmpty)
        #expect(hpa.recommendations.allSatisfy { at(399).milliseconds(since: $0.time) < 300_000 })
        // One recommendation a second over a 300 s window, but only the ones that can still win a
        // window are kept: at most two per replica count (0...20).
        #expect(hpa.recommendations.count <= 42)
        #expect((hpa.scaleUpEvents + hpa.scaleDownEvents).allSatisfy { at(399).milliseconds(since: $0.time) < 15_000 })
        let queue = run(spec(max: 20, behavior: nil), from: 1, samples).last!.history
        #expect(queue.recommendations.count <= 42)
        #expect(queue.recommendations.allSatisfy { at(399).milliseconds(since: $0.time) < 60_000 })
    }

    @Test func theNewestRecommendationSurvivesPruning() {
        let windowsZero = ScalingBehavior(
            scaleUp: ScalingRules(stabilizationWindowSeconds: 0), scaleDown: ScalingRules(stabilizationWindowSeconds: 0))
        let old = ScalingHistory(recommendations: [rec(4, 1000), rec(5, 900)])
        let decision = decide(spec(max: 3, behavior: windowsZero), current: 5, QueueMetrics(), history: old)
        #expect(decision.history.recommendations == [rec(5, 900)])
    }

    @Test func decisionRecordsTheNumbers() {
        let decision = decide(spec(max: 20), current: 4, backlog(1200))
        #expect(decision.metric == .backlog)
        #expect(decision.metricValue == 1200)
        #expect(decision.desiredReplicas == 12)
        #expect(decision.stabilizedReplicas == 12)
        #expect(decision.isLimited)
        #expect(decision.isScaling)
        #expect(decision.history.scaleUpEvents == [ScalingHistory.ScaleEvent(replicaChange: 4, time: now)])
    }

    @Test func statusReplicasDriveTheRatio() {
        // spec.replicas 10, 8 pods exist: 850 / (100 × 8) = 1.06 is within tolerance, so the proposal is 8.
        let behavior = ScalingBehavior(scaleDown: ScalingRules(stabilizationWindowSeconds: 0))
        let decision = Autoscaler.decide(
            metrics: backlog(850), spec: spec(max: 20, behavior: behavior), currentReplicas: 10,
            history: ScalingHistory(), now: now, statusReplicas: 8)
        #expect(decision.desiredReplicas == 8)
        #expect(decision.replicas == 8)
    }
}
