/// The rules of one direction with every value decided, as the algorithm uses them.
public struct ResolvedScalingRules: Sendable, Equatable {
    /// Recommendations younger than this many seconds are considered.
    public var stabilizationWindowSeconds: Int32
    /// How the policies combine.
    public var selectPolicy: SelectPolicy
    /// The rate limits; `nil` means no rate limit at all. `nil` cannot be written in an
    /// autoscaling/v2 `behavior` (the API requires at least one policy): only the TaskQueue
    /// preset uses it, for scale-up.
    public var policies: [ScalingPolicy]?
    /// Usage-ratio tolerance for this direction.
    public var tolerance: Double

    /// Creates resolved rules.
    public init(
        stabilizationWindowSeconds: Int32, selectPolicy: SelectPolicy, policies: [ScalingPolicy]?,
        tolerance: Double
    ) {
        self.stabilizationWindowSeconds = stabilizationWindowSeconds
        self.selectPolicy = selectPolicy
        self.policies = policies
        self.tolerance = tolerance
    }

    /// The longest policy period in seconds (0 without policies): how long scale events matter.
    public var longestPolicyPeriodSeconds: Int32 {
        policies?.map(\.periodSeconds).max() ?? 0
    }
}
