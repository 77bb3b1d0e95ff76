/// The outcome of one `Autoscaler.decide` call.
public struct ScalingDecision: Sendable, Equatable, Codable {
    /// The replica count to set.
    public var replicas: Int32
    /// The replica count the decision started from.
    public var currentReplicas: Int32
    /// The rule that decided or bounded `replicas`.
    public var reason: ScalingReason
    /// One sentence with the numbers, for the log line, the Event and the status condition, e.g.
    /// "backlog 1200 / target 100 per replica = 12 replicas, limited to 8 by scale-up policy Pods 4 per 15s; scaling 4 → 8".
    public var message: String
    /// The metric used.
    public var metric: ScalingMetric
    /// Its value (`nil` when unknown).
    public var metricValue: Int64?
    /// What the metric asked for after the tolerance check, before stabilization and limits
    /// (`nil` when the metric path did not run).
    public var desiredReplicas: Int32?
    /// `desiredReplicas` after the stabilization windows (`nil` when the metric path did not run).
    public var stabilizedReplicas: Int32?
    /// Whether a limit changed the count (the HPA's `ScalingLimited` condition).
    public var isLimited: Bool
    /// The history to pass to the next decision.
    public var history: ScalingHistory

    /// Creates a decision.
    public init(
        replicas: Int32, currentReplicas: Int32, reason: ScalingReason, message: String, metric: ScalingMetric,
        metricValue: Int64?, desiredReplicas: Int32?, stabilizedReplicas: Int32?, isLimited: Bool,
        history: ScalingHistory
    ) {
        self.replicas = replicas
        self.currentReplicas = currentReplicas
        self.reason = reason
        self.message = message
        self.metric = metric
        self.metricValue = metricValue
        self.desiredReplicas = desiredReplicas
        self.stabilizedReplicas = stabilizedReplicas
        self.isLimited = isLimited
        self.history = history
    }

    /// Whether the replica count changes.
    public var isScaling: Bool {
        replicas != currentReplicas
    }
}
