/// What one poll did, for metrics.
public struct PollReport: Sendable {
    /// Which TaskQueue.
    public var key: TaskQueueKey
    /// Its queue name.
    public var queue: String
    /// The figures read, if any.
    public var stats: QueueStatsSnapshot?
    /// The workload's count after the poll.
    public var replicas: Int32?
    /// What the decision asked for.
    public var desiredReplicas: Int32?
    /// The decision's reason (`nil` when no decision was made).
    public var reason: String?
    /// Whether the count was changed.
    public var scaled: Bool
    /// Wall time of the poll.
    public var duration: Duration
    /// Problems seen.
    public var problems: [ControllerError]

    /// Creates a report.
    public init(
        key: TaskQueueKey, queue: String, stats: QueueStatsSnapshot?, replicas: Int32?, desiredReplicas: Int32?,
        reason: String?, scaled: Bool, duration: Duration, problems: [ControllerError]
    ) {
        self.key = key
        self.queue = queue
        self.stats = stats
        self.replicas = replicas
        self.desiredReplicas = desiredReplicas
        self.reason = reason
        self.scaled = scaled
        self.duration = duration
        self.problems = problems
    }
}

/// The figures of a poll in metric form.
public struct QueueStatsSnapshot: Sendable, Equatable {
    /// lag + pending (nil: unknown).
    public var backlog: Int64?
    /// Undelivered entries (nil: unknown).
    public var lag: Int64?
    /// Delivered, unacknowledged entries.
    public var pending: Int64
    /// Delayed tasks and retries.
    public var scheduled: Int64
    /// Dead letters.
    public var deadLetters: Int64

    /// Creates a snapshot.
    public init(backlog: Int64?, lag: Int64?, pending: Int64, scheduled: Int64, deadLetters: Int64) {
        self.backlog = backlog
        self.lag = lag
        self.pending = pending
        self.scheduled = scheduled
        self.deadLetters = deadLetters
    }
}

/// Receives a report after every poll (the Prometheus metrics implement it).
public protocol ControllerObserver: Sendable {
    /// One poll finished.
    func observe(_ report: PollReport)
    /// A TaskQueue is gone: drop its series.
    func forget(_ key: TaskQueueKey, queue: String)
    /// The status writer's figures: statuses waiting, Events dropped since the start.
    func statusWriter(queuedStatuses: Int, droppedEvents: Int)
}

extension ControllerObserver {
    /// Ignores the status writer's figures.
    public func statusWriter(queuedStatuses: Int, droppedEvents: Int) {}
}

/// Observes nothing.
public struct NoObserver: ControllerObserver {
    /// Creates one.
    public init() {}
    public func observe(_ report: PollReport) {}
    public func forget(_ key: TaskQueueKey, queue: String) {}
}
