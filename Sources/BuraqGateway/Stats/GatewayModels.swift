import BuraqQueue

/// Tasks a second over a recent window, from sampled counters.
public struct QueueRates: Codable, Sendable, Hashable {
    /// Tasks added to the queue's streams (new, delayed ones come due, retries).
    public var enqueuedPerSecond: Double
    /// Tasks acknowledged by workers (finished, or moved to retry or the dead-letter stream).
    public var processedPerSecond: Double
    /// Handler runs that failed (from worker heartbeats, so about 5 s late).
    public var failedPerSecond: Double
    /// Seconds the rates cover; 0 before two samples exist.
    public var windowSeconds: Double

    public init(enqueuedPerSecond: Double = 0, processedPerSecond: Double = 0, failedPerSecond: Double = 0, windowSeconds: Double = 0) {
        self.enqueuedPerSecond = enqueuedPerSecond
        self.processedPerSecond = processedPerSecond
        self.failedPerSecond = failedPerSecond
        self.windowSeconds = windowSeconds
    }
}

/// One queue as `GET /v1/queues/{queue}` shows it.
public struct QueueSummary: Codable, Sendable, Hashable {
    public var name: String
    public var length: Int64
    /// Nil when Redis cannot tell.
    public var lag: Int64?
    public var pending: Int64
    /// lag + pending; nil when lag is unknown.
    public var backlog: Int64?
    public var scheduled: Int64
    public var scheduledDue: Int64
    public var deadLetters: Int64
    /// Age of the oldest pending (delivered, unacknowledged) task.
    public var oldestPendingAgeSeconds: Double?
    public var groupExists: Bool
    public var paused: Bool
    /// The backlog over which the gateway answers 503 (0: none).
    public var maxBacklog: Int64
    public var workers: Int
    public var rates: QueueRates
    /// The controller's last decisions, when a TaskQueue status file is configured and names this queue.
    public var controller: ControllerStatus?

    public init(name: String, stats: QueueStats, paused: Bool, maxBacklog: Int64, workers: Int, rates: QueueRates) {
        self.name = name
        length = stats.length
        lag = stats.lag
        pending = stats.pending
        backlog = stats.backlog
        scheduled = stats.scheduled
        scheduledDue = stats.scheduledDue
        deadLetters = stats.deadLetters
        oldestPendingAgeSeconds = stats.oldestPendingAgeMilliseconds.map { Double($0) / 1000 }
        groupExists = stats.groupExists
        self.paused = paused
        self.maxBacklog = maxBacklog
        self.workers = workers
        self.rates = rates
    }
}

/// A live worker, from its heartbeat: the heartbeat's fields plus `queue`.
public struct WorkerSummary: Encodable, Sendable, Hashable {
    public var queue: String
    public var heartbeat: WorkerHeartbeat

    public init(queue: String, _ heartbeat: WorkerHeartbeat) {
        self.queue = queue
        self.heartbeat = heartbeat
    }

    private enum CodingKeys: String, CodingKey { case queue }

    public func encode(to encoder: any Encoder) throws {
        try heartbeat.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue, forKey: .queue)
    }
}

/// Rates at one sample time, for the dashboard's charts.
public struct RatePoint: Codable, Sendable, Hashable {
    /// ms since the epoch.
    public var t: Int64
    public var enqueued: Double
    public var processed: Double
    public var failed: Double

    public init(t: Int64, enqueued: Double, processed: Double, failed: Double) {
        self.t = t
        self.enqueued = enqueued
        self.processed = processed
        self.failed = failed
    }
}

/// Everything the dashboard shows, as sent on each Server-Sent Events tick.
public struct Overview: Encodable, Sendable, Hashable {
    /// ms since the epoch.
    public var time: Int64
    public var queues: [QueueSummary]
    public var workers: [WorkerSummary]
    /// The newest rate point per queue (absent before two samples).
    public var points: [String: RatePoint]
}
