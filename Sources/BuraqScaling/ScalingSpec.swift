/// Everything the autoscaler needs from a TaskQueue's spec: the metric, the per-replica target,
/// the replica range, scale-to-zero settings and the autoscaling/v2 `behavior`.
///
/// JSON field names follow the TaskQueue (`metric`, `targetPerReplica`, `activationThreshold`,
/// `minReplicas`, `maxReplicas`, `cooldownPeriodSeconds`, `behavior`). Decoding fills absent
/// fields with the defaults below; `targetPerReplica` and `maxReplicas` are required.
public struct ScalingSpec: Sendable, Equatable, Codable {
    /// The queue figure scaling follows; default `backlog`.
    public var metric: ScalingMetric
    /// Metric units one replica should handle (≥ 1); desired = ceil(metric / targetPerReplica).
    public var targetPerReplica: Int64
    /// From zero replicas, scale up only when the metric is above this (default 0: one task is enough).
    public var activationThreshold: Int64
    /// The fewest replicas (default 0: scale to zero after `cooldownPeriodSeconds` of idleness).
    public var minReplicas: Int32
    /// The most replicas (≥ 1 and ≥ `minReplicas`).
    public var maxReplicas: Int32
    /// With `minReplicas` 0: how long the queue must be idle (metric and in-flight both 0) before
    /// scaling to zero. Default 60 s.
    public var cooldownPeriodSeconds: Int32
    /// autoscaling/v2 behaviour; `nil` means `ResolvedScalingBehavior.taskQueueDefaults`.
    public var behavior: ScalingBehavior?

    /// Default `metric`.
    public static let defaultMetric = ScalingMetric.backlog
    /// Default `activationThreshold`.
    public static let defaultActivationThreshold: Int64 = 0
    /// Default `minReplicas`.
    public static let defaultMinReplicas: Int32 = 0
    /// Default `cooldownPeriodSeconds`.
    public static let defaultCooldownPeriodSeconds: Int32 = 60

    /// Creates a spec.
    public init(
        metric: ScalingMetric = ScalingSpec.defaultMetric,
        targetPerReplica: Int64,
        activationThreshold: Int64 = ScalingSpec.defaultActivationThreshold,
        minReplicas: Int32 = ScalingSpec.defaultMinReplicas,
        maxReplicas: Int32,
        cooldownPeriodSeconds: Int32 = ScalingSpec.defaultCooldownPeriodSeconds,
        behavior: ScalingBehavior? = nil
    ) {
        self.metric = metric
        self.targetPerReplica = targetPerReplica
        self.activationThreshold = activationThreshold
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.cooldownPeriodSeconds = cooldownPeriodSeconds
        self.behavior = behavior
    }

    /// The behaviour decisions use: `behavior` resolved against the autoscaling/v2 defaults when
    /// present, otherwise `preset` (the TaskQueue defaults unless the caller picks another).
    public func resolvedBehavior(
        whenAbsent preset: ResolvedScalingBehavior = .taskQueueDefaults
    ) -> ResolvedScalingBehavior {
        behavior?.resolved() ?? preset
    }

    enum CodingKeys: String, CodingKey {
        case metric, targetPerReplica, activationThreshold, minReplicas, maxReplicas, cooldownPeriodSeconds,
            behavior
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metric = try container.decodeIfPresent(ScalingMetric.self, forKey: .metric) ?? Self.defaultMetric
        targetPerReplica = try container.decode(Int64.self, forKey: .targetPerReplica)
        activationThreshold =
            try container.decodeIfPresent(Int64.self, forKey: .activationThreshold)
            ?? Self.defaultActivationThreshold
        minReplicas = try container.decodeIfPresent(Int32.self, forKey: .minReplicas) ?? Self.defaultMinReplicas
        maxReplicas = try container.decode(Int32.self, forKey: .maxReplicas)
        cooldownPeriodSeconds =
            try container.decodeIfPresent(Int32.self, forKey: .cooldownPeriodSeconds)
            ?? Self.defaultCooldownPeriodSeconds
        behavior = try container.decodeIfPresent(ScalingBehavior.self, forKey: .behavior)
    }
}
