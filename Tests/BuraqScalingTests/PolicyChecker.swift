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

    /// The most replicas the scale-up policies allow, or the fewest the scale-down ones allow
    /// (`nil`: no limit).
    func bound(current: Int32, at time: ScalingTime, scalingUp: Bool) -> Int64? {
        let rules = scalingUp ? behavior.scaleUp : behavior.scaleDown
        if rules.selectPolicy == .disabled { return Int64(current) }
        guard let policies = rules.policies else { return nil }
        let proposals = policies.map { policy -> Int64 in
            let start = periodStart(current: current, period: policy.periodSeconds, at: time)
            let factor = Double(policy.value) / 100
            switch (policy.type, scalingUp) {
            case (.pods, true): return start + Int64(policy.value)
            case (.pods, false): return start - Int64(policy.value)
            case (.percent, true): return Int64((Double(start) * (1 + factor)).rounded(.up))
            case (.percent, false): return Int64(Double(start) * (1 - factor))
            }
        }
        return scalingUp == (rules.selectPolicy == .max) ? proposals.max()! : proposals.min()!
    }

    /// A description of how `decision` broke the policies, or `nil` when it kept to them.
    /// Decisions that bypass the policies by design (the count outside [min, max], scaling to
    /// zero after the cooldown, activation's minimum of one) are only checked for the rest.
    func violation(of decision: ScalingDecision, spec: ScalingSpec, at time: ScalingTime) -> String? {
        let current = decision.currentReplicas
        let result = decision.replicas
        if current < spec.minReplicas || current > spec.maxReplicas { return nil }
        if result > current, let ceiling = bound(current: current, at: time, scalingUp: true) {
            let allowed = decision.reason == .activated ? max(ceiling, 1) : ceiling
            if Int64(result) > allowed { return "scaled up \(current) → \(result), policies allow \(allowed)" }
        }
        if result < current, decision.reason != .scaledToZero, let floor = bound(current: current, at: time, scalingUp: false) {
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
