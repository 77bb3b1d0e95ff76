/// Tuning of the ``StatusWriter``.
public struct StatusWriterConfiguration: Sendable, Equatable {
    /// Writes in flight at once at most. Each holds one slot of the API client's rate limiter, so
    /// a scale write on the poll path waits behind at most this many status or Event writes.
    public var concurrentWrites: Int
    /// Events waiting at most; when full the oldest is dropped (and counted).
    public var maxQueuedEvents: Int
    /// First retry delay of a failed write; doubles with each failure of the same TaskQueue.
    public var retryBaseDelay: Duration
    /// Longest retry delay.
    public var retryMaxDelay: Duration
    /// Attempts of one Event before it is dropped.
    public var maxEventAttempts: Int
    /// How long graceful shutdown waits for queued writes.
    public var shutdownGracePeriod: Duration

    /// Creates a configuration (defaults: 2 writes at once, 1,000 Events, 5 ms to 60 s backoff,
    /// 5 attempts per Event, 5 s to flush at shutdown).
    public init(
        concurrentWrites: Int = 2, maxQueuedEvents: Int = 1000, retryBaseDelay: Duration = .milliseconds(5),
        retryMaxDelay: Duration = .seconds(60), maxEventAttempts: Int = 5, shutdownGracePeriod: Duration = .seconds(5)
    ) {
        self.concurrentWrites = max(1, concurrentWrites)
        self.maxQueuedEvents = max(1, maxQueuedEvents)
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
        self.maxEventAttempts = max(1, maxEventAttempts)
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
