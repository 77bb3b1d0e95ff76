import BuraqRedis

/// The settings a worker acts on right now: its configuration, overridden by the queue's
/// config hash (``QueueSettings``) when the controller wrote one.
struct WorkerSettings: Sendable, Equatable {
    var retry: RetryPolicy
    var visibilityTimeout: Duration
    var taskTimeout: Duration?
    var maxDeliveries: Int
    var priorities: [String]
    var rateLimitPerSecond: Int
    var rateLimitBurst: Int
    var maxInFlight: Int
    var paused: Bool
    /// -1: drop tasks instead of dead-lettering; 0: unbounded; >0: approximate cap.
    var deadLetterMaxLength: Int

    init(_ c: WorkerConfiguration) {
        retry = c.retry
        visibilityTimeout = c.visibilityTimeout
        taskTimeout = c.taskTimeout
        maxDeliveries = c.maxDeliveries
        priorities = c.priorities
        rateLimitPerSecond = c.rateLimitPerSecond
        rateLimitBurst = c.rateLimitBurst
        maxInFlight = c.maxInFlight
        paused = c.paused
        deadLetterMaxLength = c.deadLetterMaxLength
    }

    /// These settings with the queue's config hash applied.
    func applying(_ q: QueueSettings) -> WorkerSettings {
        var s = self
        s.retry = RetryPolicy(maxRetries: q.maxRetries,
                              backoff: Backoff(initialDelay: .milliseconds(max(1, q.backoffInitialDelayMilliseconds)),
                                               maxDelay: .seconds(max(1, q.backoffMaxDelaySeconds)),
                                               multiplier: Double(max(1, q.backoffMultiplier))))
        s.visibilityTimeout = .seconds(max(1, q.visibilityTimeoutSeconds))
        s.taskTimeout = q.taskTimeoutSeconds > 0 ? .seconds(q.taskTimeoutSeconds) : nil
        s.maxDeliveries = q.maxDeliveries
        s.priorities = q.priorities
        s.rateLimitPerSecond = q.rateLimitPerSecond
        s.rateLimitBurst = q.rateLimitBurst
        s.maxInFlight = q.maxInFlight
        s.paused = q.paused
        s.deadLetterMaxLength = q.deadLetterEnabled ? Int(q.deadLetterMaxLength) : -1
        return s
    }

    /// True when fetching must go through the limits script instead of a blocking XREADGROUP.
    var hasLimits: Bool { rateLimitPerSecond > 0 || maxInFlight > 0 }

    /// The bucket size the fetch script uses.
    var effectiveBurst: Int { rateLimitBurst > 0 ? rateLimitBurst : max(1, rateLimitPerSecond / 10) }

    var visibilityMilliseconds: Int64 {
        visibilityTimeout.components.seconds * 1000 + visibilityTimeout.components.attoseconds / 1_000_000_000_000_000
    }
}
