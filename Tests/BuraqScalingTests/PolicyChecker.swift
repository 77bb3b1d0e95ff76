import BuraqScaling

/// Checks decisions against the scaling policies from a log of replica changes that it keeps
/// itself (independent of `ScalingHistory` and its pruning).
struct PolicyChecker {
    struct Change {
        var time: ScalingTime
        var from: Int32
        var to: Int32
    }

    let behavior: ResolvedScalingBehavior
    private(set) var log: [Change] = []

    init(behavior: ResolvedScalingBehavior) {
        self.behavior = behavior
    }

    /// The replica count at the start of a `period`-second window ending at `time`.
    func periodStart(current: Int32, period: Int32, at time: ScalingTime) -> Int64 {
        var start = Int64(current)
        for change in log where time.milliseconds(since: change.time) < Int64(period) * 1000 {
            start -= Int64(change.to) - Int64(change.from)
        }
        return start
    }

    /// The most replicas the scale-up policies allow (`nil`: no limit).
    func ceiling(current: Int32, at time: ScalingTime) -> Int64? {
        let rules = behavior.scaleUp
        if rules.selectPolicy == .disabled { return Int64(current) }
        guard let policies = rules.policies else { return nil }
        let proposals = policies.map { policy -> Int64 in
            let start = periodStart(current: current, period: policy.periodSeconds, at: time)
            switch policy.type {
            case .pods: return start + Int64(policy.value)
            case .percent: return Int64((Double(start) * (1 + Double(policy.value) / 100)).rounded(.up))
            }
        }
        return rules.selectPolicy == .max ? proposals.max()! : proposals.min()!
    }

    /// The fewest replicas the scale-down policies allow (`nil`: no limit).
    func floor(current: Int32, at time: ScalingTime) -> Int64? {
        let rules = behavior.scaleDown
        if rules.selectPolicy == .disabled { return Int64(current) }
        guard let policies = rules.policies else { return nil }
        let proposals = policies.map { policy -> Int64 in
            let start = periodStart(current: current, period: policy.periodSeconds, at: time)
            switch policy.type {
            case .pods: return start - Int64(policy.value)
            case .percent: return Int64(Double(start) * (1 - Double(policy.value) / 100))
            }
        }
        return rules.selectPolicy == .max ? proposals.min()! : proposals.max()!
    }

    /// A description of how `decision` broke the policies, or `nil` when it kept to them.
    /// Decisions that bypass the policies by design (the count outside [min, max], scaling to
    /// zero after the cooldown, activation's minimum of one) are only checked for the rest.
    func violation(of decision: ScalingDecision, spec: ScalingSpec, at time: ScalingTime) -> String? {
        let current = decision.currentReplicas
        let result = decision.replicas
        if current < spec.minReplicas || current > spec.maxReplicas { return nil }
        if result > current, let ceiling = ceiling(current: current, at: time) {
            let allowed = decision.reason == .activated ? max(ceiling, 1) : ceiling
            if Int64(result) > allowed { return "scaled up \(current) → \(result), policies allow \(allowed)" }
        }
        if result < current, decision.reason != .scaledToZero, let floor = floor(current: current, at: time) {
            if Int64(result) < floor { return "scaled down \(current) → \(result), policies allow \(floor)" }
        }
        return nil
    }

    /// Logs a decision's change.
    mutating func record(_ decision: ScalingDecision, at time: ScalingTime) {
        if decision.replicas != decision.currentReplicas {
            log.append(Change(time: time, from: decision.currentReplicas, to: decision.replicas))
        }
    }
}
