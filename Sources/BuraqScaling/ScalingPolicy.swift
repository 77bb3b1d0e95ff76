/// One rate limit: at most `value` pods, or `value` percent, of change per `periodSeconds`
/// (autoscaling/v2 `HPAScalingPolicy`; JSON fields `type`, `value`, `periodSeconds`).
public struct ScalingPolicy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `Pods` or `Percent`.
    public var type: ScalingPolicyType
    /// Pods or percent allowed per period; the API requires more than 0.
    public var value: Int32
    /// The period the changes are counted over, 1...1800 seconds.
    public var periodSeconds: Int32

    /// Creates a policy.
    public init(type: ScalingPolicyType, value: Int32, periodSeconds: Int32) {
        self.type = type
        self.value = value
        self.periodSeconds = periodSeconds
    }

    /// A `Pods` policy.
    public static func pods(_ value: Int32, perSeconds periodSeconds: Int32) -> ScalingPolicy {
        ScalingPolicy(type: .pods, value: value, periodSeconds: periodSeconds)
    }

    /// A `Percent` policy.
    public static func percent(_ value: Int32, perSeconds periodSeconds: Int32) -> ScalingPolicy {
        ScalingPolicy(type: .percent, value: value, periodSeconds: periodSeconds)
    }

    /// `Pods 4 per 15s`, the form used in decision messages.
    public var description: String {
        "\(type.rawValue) \(value) per \(periodSeconds)s"
    }
}

/// The kind of a `ScalingPolicy`.
public enum ScalingPolicyType: String, Sendable, Codable, CaseIterable {
    /// An absolute number of pods.
    case pods = "Pods"
    /// A percentage of the replica count at the start of the period.
    case percent = "Percent"
}

/// How the policies of one direction combine (autoscaling/v2 `selectPolicy`).
public enum SelectPolicy: String, Sendable, Codable, CaseIterable {
    /// The policy allowing the largest change wins (the default).
    case max = "Max"
    /// The policy allowing the smallest change wins.
    case min = "Min"
    /// No change in this direction at all.
    case disabled = "Disabled"
}
