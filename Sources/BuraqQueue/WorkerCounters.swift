/// Totals of one worker since it started.
public struct WorkerCounters: Sendable, Hashable {
    /// Tasks whose handler succeeded.
    public var processed = 0
    /// Handler runs that failed (each retry counts).
    public var failed = 0
    /// Failed tasks scheduled for another attempt.
    public var retried = 0
    /// Tasks moved to the dead-letter queue (failures, unknown types, malformed entries).
    public var deadLettered = 0
    /// Tasks running now.
    public var inFlight = 0

    public init() {}
}
