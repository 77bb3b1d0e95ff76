/// `status` of a TaskQueue: what the controller last observed. Every field is optional so a
/// status patch carries only what the controller knows.
public struct TaskQueueStatus: Sendable, Equatable, Codable {
    /// The `metadata.generation` this status describes.
    public var observedGeneration: Int64?
    /// `lag + pending`: outstanding work.
    public var backlog: Int64?
    /// Entries not yet delivered to the consumer group.
    public var lag: Int64?
    /// Entries delivered and not yet acknowledged.
    public var pending: Int64?
    /// Delayed tasks and retries waiting in the scheduled set.
    public var scheduled: Int64?
    /// Entries in the dead-letter stream.
    public var deadLetters: Int64?
    /// Replicas of the scale target when last read.
    public var replicas: Int32?
    /// Replicas the last decision asked for.
    public var desiredReplicas: Int32?
    /// RFC 3339 time of the last change of the replica count.
    public var lastScaleTime: String?
    /// `Ready`, `Active`, `ScalingLimited`, `Degraded` (see ``TaskQueueCondition``).
    public var conditions: [Condition]?

    /// Creates a status.
    public init(
        observedGeneration: Int64? = nil, backlog: Int64? = nil, lag: Int64? = nil, pending: Int64? = nil,
        scheduled: Int64? = nil, deadLetters: Int64? = nil, replicas: Int32? = nil, desiredReplicas: Int32? = nil,
        lastScaleTime: String? = nil, conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.backlog = backlog
        self.lag = lag
        self.pending = pending
        self.scheduled = scheduled
        self.deadLetters = deadLetters
        self.replicas = replicas
        self.desiredReplicas = desiredReplicas
        self.lastScaleTime = lastScaleTime
        self.conditions = conditions
    }

    /// The condition of the given type, when present.
    public func condition(_ type: String) -> Condition? {
        conditions?.first { $0.type == type }
    }
}

/// The condition types a TaskQueue reports.
public enum TaskQueueCondition: Sendable {
    /// The queue and the scale target are readable and the last reconcile succeeded.
    public static let ready = "Ready"
    /// There is work above the activation threshold.
    public static let active = "Active"
    /// The desired count was bounded by `minReplicas`, `maxReplicas` or a scaling policy.
    public static let scalingLimited = "ScalingLimited"
    /// Redis or the scale target could not be read or written.
    public static let degraded = "Degraded"
}
