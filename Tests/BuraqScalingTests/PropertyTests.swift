import BuraqScaling
import BuraqTestSupport
import Testing

/// Random specs and metric streams from seeded generators: the invariants hold for every decision.
struct PropertyTests {
    static func randomRules(_ g: inout SeededRandom) -> ScalingRules? {
        if Bool.random(using: &g) { return nil }
        var rules = ScalingRules()
        if Bool.random(using: &g) { rules.stabilizationWindowSeconds = Int32.random(in: 0...120, using: &g) }
        if Bool.random(using: &g) {
            rules.selectPolicy = Int.random(in: 0..<8, using: &g) == 0 ? .disabled : [.max, .min].randomElement(using: &g)!
        }
        if Bool.random(using: &g) {
            rules.policies = (0..<Int.random(in: 1...2, using: &g)).map { _ in
                Bool.random(using: &g)
                    ? .pods(Int32.random(in: 1...6, using: &g), perSeconds: Int32.random(in: 1...60, using: &g))
                    : .percent(Int32.random(in: 1...300, using: &g), perSeconds: Int32.random(in: 1...60, using: &g))
            }
        }
        if Bool.random(using: &g) { rules.tolerance = [0, 0.05, 0.1, 0.25].randomElement(using: &g)! }
        return rules
    }

    static func randomSpec(_ g: inout SeededRandom) -> ScalingSpec {
        let min = Int32.random(in: 0...3, using: &g)
        let behavior: ScalingBehavior? =
            Int.random(in: 0..<4, using: &g) == 0
            ? nil : ScalingBehavior(scaleUp: randomRules(&g), scaleDown: randomRules(&g))
        return ScalingSpec(
            targetPerReplica: Int64.random(in: 1...200, using: &g), activationThreshold: Int64.random(in: 0...5, using: &g),
            minReplicas: min, maxReplicas: Int32.random(in: Swift.max(min, 1)...(min + 30), using: &g),
            cooldownPeriodSeconds: Int32.random(in: 0...120, using: &g), behavior: behavior)
    }

    static func randomMetrics(_ g: inout SeededRandom, spec: ScalingSpec) -> QueueMetrics {
        let inFlight: Int64 = Bool.random(using: &g) ? 0 : Int64.random(in: 0...50, using: &g)
        switch Int.random(in: 0..<10, using: &g) {
        case 0: return QueueMetrics(lag: nil, pending: inFlight, inFlight: inFlight)
        case 1, 2, 3: return QueueMetrics(lag: 0, pending: 0, inFlight: inFlight)
        default:
            let top = spec.targetPerReplica * Int64(spec.maxReplicas) * 2
            return QueueMetrics(lag: Int64.random(in: 0...top, using: &g), pending: 0, inFlight: inFlight)
        }
    }

    @Test(arguments: 0..<40)
    func invariantsHold(seed: Int) throws {
        var g = SeededRandom(seed: UInt64(seed) &* 7919 &+ 17)
        let spec = Self.randomSpec(&g)
        try spec.validate()
        var checker = PolicyChecker(behavior: spec.resolvedBehavior())
        var current = Int32.random(in: spec.minReplicas...spec.maxReplicas, using: &g)
        var history = ScalingHistory()
        var time = now
        var idleSince: ScalingTime?
        for step in 0..<300 {
            time = time.adding(milliseconds: Int64.random(in: 500...20_000, using: &g))
            if Int.random(in: 0..<25, using: &g) == 0 {
                current = Int32.random(in: 0...(spec.maxReplicas + 5), using: &g)  // scaled by hand
            }
            let metrics = Self.randomMetrics(&g, spec: spec)
            let reading = metrics.reading(for: spec.metric)
            idleSince = reading.isIdle ? (idleSince ?? time) : nil
            let decision = Autoscaler.decide(
                metrics: metrics, spec: spec, currentReplicas: current, history: history, now: time)
            let context = "seed \(seed) step \(step): \(decision.message)"
            let inside = spec.minReplicas <= current && current <= spec.maxReplicas
            if inside {
                #expect((spec.minReplicas...spec.maxReplicas).contains(decision.replicas), "\(context)")
            } else {
                #expect(decision.replicas == current || [.tooManyReplicas, .tooFewReplicas].contains(decision.reason), "\(context)")
            }
            if let violation = checker.violation(of: decision, spec: spec, at: time) {
                Issue.record("\(violation): \(context)")
            }
            if reading.value == nil && inside {
                #expect(decision.replicas == current, "\(context)")
                #expect(decision.reason == .metricsUnavailable, "\(context)")
            }
            if decision.replicas == 0 && current > 0 {
                #expect(decision.reason == .scaledToZero, "\(context)")
                let idleFor = idleSince.map { time.milliseconds(since: $0) } ?? -1
                #expect(idleFor >= Int64(spec.cooldownPeriodSeconds) * 1000, "\(context)")
            }
            if decision.replicas > 0 && current == 0 && spec.minReplicas == 0 {
                #expect(decision.reason == .activated, "\(context)")
                #expect((reading.value ?? 0) > spec.activationThreshold, "\(context)")
            }
            #expect(decision.history.recommendations.count <= step + 2, "\(context)")
            checker.record(decision, at: time)
            current = decision.replicas
            history = decision.history
        }
    }

    /// The same inputs give the same decision: nothing depends on anything but the arguments.
    @Test func decisionsAreDeterministic() {
        var g = SeededRandom(seed: 42)
        for _ in 0..<200 {
            let spec = Self.randomSpec(&g)
            let metrics = Self.randomMetrics(&g, spec: spec)
            let history = ScalingHistory(
                recommendations: [rec(Int32.random(in: 0...10, using: &g), Int64.random(in: 0...400, using: &g))],
                scaleUpEvents: [.init(replicaChange: Int32.random(in: 1...5, using: &g), time: at(-Int64.random(in: 0...60, using: &g)))])
            let current = Int32.random(in: 0...spec.maxReplicas, using: &g)
            let first = Autoscaler.decide(metrics: metrics, spec: spec, currentReplicas: current, history: history, now: now)
            let second = Autoscaler.decide(metrics: metrics, spec: spec, currentReplicas: current, history: history, now: now)
            #expect(first == second)
        }
    }
}
