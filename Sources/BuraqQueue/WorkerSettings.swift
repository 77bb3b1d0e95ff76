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

    /// These settings with the queue's config hash applied: only the fields the hash holds
    /// (`present`) replace the worker's own; a missing field keeps the worker's setting, so a hash
    /// written by `buraq pause` (only `paused`) changes nothing else.
    func applying(_ q: QueueSettings, present: Set<String>) -> WorkerSettings {
        var s = self
        if present.contains("maxRetries") { s.retry.maxRetries = max(0, q.maxRetries) }
        if present.contains("backoffInitialDelayMilliseconds") {
            s.retry.backoff.initialDelay = .milliseconds(max(1, q.backoffInitialDelayMilliseconds))
        }
        if present.contains("backoffMaxDelaySeconds") { s.retry.backoff.maxDelay = .seconds(max(1, q.backoffMaxDelaySeconds)) }
        if present.contains("backoffMultiplier") { s.retry.backoff.multiplier = Double(max(1, q.backoffMultiplier)) }
        if present.contains("visibilityTimeoutSeconds") { s.visibilityTimeout = .seconds(max(1, q.visibilityTimeoutSeconds)) }
        if present.contains("taskTimeoutSeconds") { s.taskTimeout = q.taskTimeoutSeconds > 0 ? .seconds(q.taskTimeoutSeconds) : nil }
        if present.contains("maxDeliveries") { s.maxDeliveries = q.maxDeliveries }
        if present.contains("priorities") { s.priorities = q.priorities }
        if present.contains("rateLimitPerSecond") { s.rateLimitPerSecond = q.rateLimitPerSecond }
        if present.contains("rateLimitBurst") { s.rateLimitBurst = q.rateLimitBurst }
        if present.contains("maxInFlight") { s.maxInFlight = q.maxInFlight }
        if present.contains("paused") { s.paused = q.paused }
        if present.contains("deadLetterEnabled") && !q.deadLetterEnabled {
            s.deadLetterMaxLength = -1
        } else if present.contains("deadLetterMaxLength") {
            s.deadLetterMaxLength = Int(q.deadLetterMaxLength)
        } else if present.contains("deadLetterEnabled") && s.deadLetterMaxLength < 0 {
            s.deadLetterMaxLength = 0
        }
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
