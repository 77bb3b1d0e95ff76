import BuraqScaling

/// `spec.scaling`: how the worker count follows the queue.
public struct ScalingSettings: Sendable, Equatable, Codable {
    /// The queue figure scaling follows.
    public var metric: ScalingMetric
    /// Metric units one replica should handle; desired = ceil(metric / targetPerReplica).
    public var targetPerReplica: Int64
    /// From zero replicas, scale up only when the metric is above this.
    public var activationThreshold: Int64
    /// How often the controller reads the queue and decides.
    public var pollingIntervalSeconds: Int32
    /// With `minReplicas` 0: how long the queue must be idle before scaling to zero.
    public var cooldownPeriodSeconds: Int32
    /// autoscaling/v2 `behavior`; absent for the TaskQueue defaults (scale up at once, scale
    /// down after 60 s), present for exactly the HPA's semantics.
    public var behavior: ScalingBehavior?

    /// Creates scaling settings.
    public init(
        metric: ScalingMetric = TaskQueueDefaults.metric, targetPerReplica: Int64,
        activationThreshold: Int64 = TaskQueueDefaults.activationThreshold,
        pollingIntervalSeconds: Int32 = TaskQueueDefaults.pollingIntervalSeconds,
        cooldownPeriodSeconds: Int32 = TaskQueueDefaults.cooldownPeriodSeconds, behavior: ScalingBehavior? = nil
    ) {
        self.metric = metric
        self.targetPerReplica = targetPerReplica
        self.activationThreshold = activationThreshold
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.cooldownPeriodSeconds = cooldownPeriodSeconds
        self.behavior = behavior
    }

    enum CodingKeys: String, CodingKey {
        case metric, targetPerReplica, activationThreshold, pollingIntervalSeconds, cooldownPeriodSeconds, behavior
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        typealias D = TaskQueueDefaults
        metric = try c.decode(.metric, or: D.metric)
        targetPerReplica = try c.decode(Int64.self, forKey: .targetPerReplica)
        activationThreshold = try c.decode(.activationThreshold, or: D.activationThreshold)
        pollingIntervalSeconds = try c.decode(.pollingIntervalSeconds, or: D.pollingIntervalSeconds)
        cooldownPeriodSeconds = try c.decode(.cooldownPeriodSeconds, or: D.cooldownPeriodSeconds)
        behavior = try c.decodeIfPresent(ScalingBehavior.self, forKey: .behavior)
    }
}
