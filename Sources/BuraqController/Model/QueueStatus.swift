import BuraqScaling

/// What the controller reports for a TaskQueue (`status` on Kubernetes, logs and `/metrics` locally).
public struct QueueStatus: Sendable, Hashable, Codable {
    /// The generation this status describes.
    public var observedGeneration: Int64
    /// `lag + pending` (unset when unknown).
    public var backlog: Int64?
    /// Entries not yet delivered.
    public var lag: Int64?
    /// Entries delivered and not acknowledged.
    public var pending: Int64?
    /// Delayed tasks and retries waiting in the scheduled set.
    public var scheduled: Int64?
    /// Entries in the dead-letter stream.
    public var deadLetters: Int64?
    /// The workload's replica count.
    public var replicas: Int32?
    /// The count the last decision asked for.
    public var desiredReplicas: Int32?
    /// When the controller last changed the replica count.
    public var lastScaleTime: ScalingTime?
    /// Ready, Active, ScalingLimited, Degraded.
    public var conditions: [QueueCondition]

    /// Creates a status.
    public init(
        observedGeneration: Int64, backlog: Int64? = nil, lag: Int64? = nil, pending: Int64? = nil,
        scheduled: Int64? = nil, deadLetters: Int64? = nil, replicas: Int32? = nil, desiredReplicas: Int32? = nil,
        lastScaleTime: ScalingTime? = nil, conditions: [QueueCondition] = []
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

    /// The condition of `type`, if present.
    public func condition(_ type: QueueCondition.Kind) -> QueueCondition? {
        conditions.first { $0.type == type }
    }

    /// Whether the two differ in something a reader must see at once: generation, replica counts,
    /// scale time, or a condition's type, status or reason. Queue figures and condition messages
    /// change every poll under load; those alone are written at a slower pace.
    func differsStructurally(from other: QueueStatus) -> Bool {
        if observedGeneration != other.observedGeneration || replicas != other.replicas
            || desiredReplicas != other.desiredReplicas || lastScaleTime != other.lastScaleTime
            || conditions.count != other.conditions.count
        {
            return true
        }
        return zip(conditions, other.conditions).contains { !$0.sameState(as: $1) }
    }
}
