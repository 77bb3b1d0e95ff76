/// The HPA's replica count for an External metric with an `AverageValue` target
/// (`GetExternalPerPodMetricReplicas`).
public enum ReplicaCalculator: Sendable {
    /// What the metric asks for.
    public struct Proposal: Sendable, Equatable {
        /// The proposed replica count.
        public var replicas: Int32
        /// usage / (target × statusReplicas); +∞ or NaN when `statusReplicas` is 0.
        public var usageRatio: Double
        /// Whether the ratio was inside the tolerance band (then `replicas` is `statusReplicas`).
        public var withinTolerance: Bool

        /// Creates a proposal.
        public init(replicas: Int32, usageRatio: Double, withinTolerance: Bool) {
            self.replicas = replicas
            self.usageRatio = usageRatio
            self.withinTolerance = withinTolerance
        }
    }

    /// `usageRatio = usage / (target × statusReplicas)`; inside `tolerance` the proposal is
    /// `statusReplicas`, otherwise `ceil(usage / target)` capped at `Int32.max`.
    ///
    /// `usage` and `targetPerReplica` must be in the same unit. The HPA works in milli-units of
    /// the metric; the ratio and the quotient are the same in any unit, so queue counts are used
    /// as they are. To replay an HPA case with fractional quantities, pass both in milli-units.
    public static func averageValueReplicas(
        usage: Int64, targetPerReplica: Int64, statusReplicas: Int32, tolerance: Tolerance
    ) -> Proposal {
        let usageRatio = Double(usage) / (Double(targetPerReplica) * Double(statusReplicas))
        if tolerance.contains(usageRatio) {
            return Proposal(replicas: statusReplicas, usageRatio: usageRatio, withinTolerance: true)
        }
        let quotient = (Double(usage) / Double(targetPerReplica)).rounded(.up)
        return Proposal(replicas: clampToReplicas(quotient), usageRatio: usageRatio, withinTolerance: false)
    }

    /// A non-negative count clamped into `Int32` (NaN and negatives become 0).
    static func clampToReplicas(_ value: Double) -> Int32 {
        guard value > 0 else { return 0 }
        return value >= Double(Int32.max) ? .max : Int32(value)
    }
}
