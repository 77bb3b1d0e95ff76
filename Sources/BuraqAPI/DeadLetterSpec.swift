/// `spec.deadLetter`: the stream of tasks out of retries.
public struct DeadLetterSpec: Sendable, Equatable, Codable {
    /// When false, tasks out of retries are dropped (and counted) instead of kept.
    public var enabled: Bool
    /// Entries the dead-letter stream keeps; older ones are trimmed.
    public var maxLength: Int64

    /// Creates dead-letter settings.
    public init(enabled: Bool = TaskQueueDefaults.deadLetterEnabled, maxLength: Int64 = TaskQueueDefaults.deadLetterMaxLength) {
        self.enabled = enabled
        self.maxLength = maxLength
    }

    enum CodingKeys: String, CodingKey {
        case enabled, maxLength
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decode(.enabled, or: TaskQueueDefaults.deadLetterEnabled)
        maxLength = try c.decode(.maxLength, or: TaskQueueDefaults.deadLetterMaxLength)
    }
}

/// `spec.rateLimit`: a token bucket shared by all workers of the queue.
public struct RateLimitSpec: Sendable, Equatable, Codable {
    /// Tasks started per second.
    public var tasksPerSecond: Int32
    /// Tokens the bucket holds (0: one second's worth).
    public var burst: Int32

    /// Creates a rate limit.
    public init(tasksPerSecond: Int32, burst: Int32 = TaskQueueDefaults.rateLimitBurst) {
        self.tasksPerSecond = tasksPerSecond
        self.burst = burst
    }

    enum CodingKeys: String, CodingKey {
        case tasksPerSecond, burst
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tasksPerSecond = try c.decode(Int32.self, forKey: .tasksPerSecond)
        burst = try c.decode(.burst, or: TaskQueueDefaults.rateLimitBurst)
    }
}
