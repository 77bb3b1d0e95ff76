/// The HPA's scaling policies and min/max clamping (`convertDesiredReplicasWithBehaviorRate`,
/// `calculateScaleUpLimitWithScalingRules`, `calculateScaleDownLimitWithBehaviors`).
public enum RateLimiter: Sendable {
    /// What the policies of one direction allow.
    public enum PolicyLimit: Sendable, Equatable {
        /// No rate limit (`policies` is `nil`, TaskQueue preset only).
        case unlimited
        /// `selectPolicy: Disabled`: no change in this direction.
        case disabled
        /// The selected policy's bound (a replica count), and that policy (`nil` with an empty
        /// policy list, which then allows nothing, as in the HPA).
        case limit(Int64, policy: ScalingPolicy?)
    }

    /// What bounded the result.
    public enum Bound: Sendable, Equatable {
        /// Nothing: the desired count was allowed.
        case none
        /// This policy's bound.
        case policy(ScalingPolicy)
        /// The policies' budget for their periods is used up, so the count stays (the policy is the
        /// selected one, if any).
        case policiesUsedUp(ScalingPolicy?)
        /// `selectPolicy: Disabled`.
        case disabled
        /// `maxReplicas`.
        case maxReplicas
        /// The replica floor (`minReplicas`, or 1 on the metric path when `minReplicas` is 0).
        case minReplicas
    }

    /// The limited replica count, the reason and what bounded it.
    public struct Outcome: Sendable, Equatable {
        /// Replicas after limiting.
        public var replicas: Int32
        /// `DesiredWithinRange`, `ScaleUpLimit`, `ScaleDownLimit`, `TooManyReplicas` or `TooFewReplicas`.
        public var reason: ScalingReason
        /// What bounded it.
        public var bound: Bound

        /// Creates an outcome.
        public init(replicas: Int32, reason: ScalingReason, bound: Bound) {
            self.replicas = replicas
            self.reason = reason
            self.bound = bound
        }
    }

    /// Limits `desired` by the policies of its direction and by [`minReplicas`, `maxReplicas`].
    /// Scaling up, the cap is the policy limit (never below `current`) unless `maxReplicas` is
    /// lower; scaling down, the floor is the policy limit (never above `current`) unless
    /// `minReplicas` is higher.
    public static func limit(
        desired: Int32, current: Int32, minReplicas: Int32, maxReplicas: Int32,
        behavior: ResolvedScalingBehavior, history: ScalingHistory, now: ScalingTime
    ) -> Outcome {
        if desired > current {
            var (limit, bound) = effective(
                scaleUpLimit(current: current, rules: behavior.scaleUp, history: history, now: now),
                current: current, scalingUp: true)
            limit = max(limit, Int64(current))
            let reason: ScalingReason
            if Int64(maxReplicas) > limit {
                reason = .scaleUpLimit
            } else {
                limit = Int64(maxReplicas)
                reason = .tooManyReplicas
                bound = .maxReplicas
            }
            if Int64(desired) > limit { return Outcome(replicas: Int32(limit), reason: reason, bound: bound) }
        } else if desired < current {
            var (limit, bound) = effective(
                scaleDownLimit(current: current, rules: behavior.scaleDown, history: history, now: now),
                current: current, scalingUp: false)
            limit = min(limit, Int64(current))
            let reason: ScalingReason
            if Int64(minReplicas) < limit {
                reason = .scaleDownLimit
            } else {
                limit = Int64(minReplicas)
                reason = .tooFewReplicas
                bound = .minReplicas
            }
            if Int64(desired) < limit { return Outcome(replicas: Int32(limit), reason: reason, bound: bound) }
        }
        return Outcome(replicas: desired, reason: .desiredWithinRange, bound: .none)
    }

    /// The policy limit as a replica count, and what to name as the bound if it applies.
    private static func effective(_ limit: PolicyLimit, current: Int32, scalingUp: Bool) -> (Int64, Bound) {
        switch limit {
        case .unlimited:
            return (scalingUp ? .max : .min, .none)
        case .disabled:
            return (Int64(current), .disabled)
        case .limit(let replicas, let policy):
            let usedUp = scalingUp ? replicas <= Int64(current) : replicas >= Int64(current)
            guard let policy, !usedUp else { return (replicas, .policiesUsedUp(policy)) }
            return (replicas, .policy(policy))
        }
    }

    /// The most replicas the scale-up policies allow now. For each policy the count at the start
    /// of its period is `current − added + removed` (events younger than the period); `Pods`
    /// adds `value`, `Percent` multiplies by `1 + value/100` rounded up. `Max` takes the largest.
    public static func scaleUpLimit(
        current: Int32, rules: ResolvedScalingRules, history: ScalingHistory, now: ScalingTime
    ) -> PolicyLimit {
        policyLimit(current: current, rules: rules, history: history, now: now, scalingUp: true)
    }

    /// The fewest replicas the scale-down policies allow now. `Pods` subtracts `value`, `Percent`
    /// multiplies by `1 − value/100` truncated toward zero. `Max` takes the smallest (largest change).
    public static func scaleDownLimit(
        current: Int32, rules: ResolvedScalingRules, history: ScalingHistory, now: ScalingTime
    ) -> PolicyLimit {
        policyLimit(current: current, rules: rules, history: history, now: now, scalingUp: false)
    }

    private static func policyLimit(
        current: Int32, rules: ResolvedScalingRules, history: ScalingHistory, now: ScalingTime, scalingUp: Bool
    ) -> PolicyLimit {
        if rules.selectPolicy == .disabled { return .disabled }
        guard let policies = rules.policies else { return .unlimited }
        // `Max` means the largest change: the largest count up, the smallest count down.
        let preferLarger = scalingUp == (rules.selectPolicy == .max)
        let none = scalingUp ? Int64(Int32.min) : Int64(Int32.max)
        return select(policies, preferLarger: preferLarger, none: none) { policy in
            let start = periodStart(current: current, policy: policy, history: history, now: now)
            let value = Int64(policy.value)
            switch policy.type {
            case .pods:
                return scalingUp ? start + value : start - value
            case .percent:
                // Rounded up going up, so that a small percentage still moves; truncated going down.
                return scalingUp
                    ? truncated((Double(start) * (1 + Double(value) / 100)).rounded(.up))
                    : truncated(Double(start) * (1 - Double(value) / 100))
            }
        }
    }

    /// The replica count at the start of `policy`'s period, reconstructed from the events.
    static func periodStart(current: Int32, policy: ScalingPolicy, history: ScalingHistory, now: ScalingTime) -> Int64 {
        Int64(current) - history.replicasAdded(inLast: policy.periodSeconds, at: now)
            + history.replicasRemoved(inLast: policy.periodSeconds, at: now)
    }

    private static func select(
        _ policies: [ScalingPolicy], preferLarger: Bool, none: Int64, proposal: (ScalingPolicy) -> Int64
    ) -> PolicyLimit {
        var best: (replicas: Int64, policy: ScalingPolicy)?
        for policy in policies {
            let proposed = proposal(policy)
            if let current = best, preferLarger ? proposed <= current.replicas : proposed >= current.replicas {
                continue
            }
            best = (proposed, policy)
        }
        guard let best else { return .limit(none, policy: nil) }
        return .limit(best.replicas, policy: best.policy)
    }

    /// `Double` to `Int64`, truncating toward zero, saturating instead of trapping.
    private static func truncated(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }
}
