/// `spec.retry`: what happens to tasks whose handler failed.
public struct RetrySpec: Sendable, Equatable, Codable {
    /// Retries after the first attempt before the task goes to the dead-letter stream.
    public var maxRetries: Int32
    /// Deliveries after which a task that keeps crashing workers is quarantined (0: never).
    public var maxDeliveries: Int32
    /// Delays between attempts.
    public var backoff: BackoffSpec

    /// Creates a retry policy.
    public init(
        maxRetries: Int32 = TaskQueueDefaults.maxRetries, maxDeliveries: Int32 = TaskQueueDefaults.maxDeliveries,
        backoff: BackoffSpec = BackoffSpec()
    ) {
        self.maxRetries = maxRetries
        self.maxDeliveries = maxDeliveries
        self.backoff = backoff
    }

    enum CodingKeys: String, CodingKey {
        case maxRetries, maxDeliveries, backoff
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxRetries = try c.decode(.maxRetries, or: TaskQueueDefaults.maxRetries)
        maxDeliveries = try c.decode(.maxDeliveries, or: TaskQueueDefaults.maxDeliveries)
        backoff = try c.decode(.backoff, or: BackoffSpec())
    }
}

/// `spec.retry.backoff`: exponential backoff with jitter.
public struct BackoffSpec: Sendable, Equatable, Codable {
    /// Delay before the first retry.
    public var initialDelayMilliseconds: Int32
    /// Longest delay between attempts.
    public var maxDelaySeconds: Int32
    /// Factor each delay grows by (1: constant delay).
    public var multiplier: Int32

    /// Creates a backoff.
    public init(
        initialDelayMilliseconds: Int32 = TaskQueueDefaults.backoffInitialDelayMilliseconds,
        maxDelaySeconds: Int32 = TaskQueueDefaults.backoffMaxDelaySeconds,
        multiplier: Int32 = TaskQueueDefaults.backoffMultiplier
    ) {
        self.initialDelayMilliseconds = initialDelayMilliseconds
        self.maxDelaySeconds = maxDelaySeconds
        self.multiplier = multiplier
    }

    enum CodingKeys: String, CodingKey {
        case initialDelayMilliseconds, maxDelaySeconds, multiplier
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        typealias D = TaskQueueDefaults
        initialDelayMilliseconds = try c.decode(.initialDelayMilliseconds, or: D.backoffInitialDelayMilliseconds)
        maxDelaySeconds = try c.decode(.maxDelaySeconds, or: D.backoffMaxDelaySeconds)
        multiplier = try c.decode(.multiplier, or: D.backoffMultiplier)
    }
}
