/// How one run of a task ended.
public enum TaskOutcome: String, Sendable, Hashable, CaseIterable {
    /// The handler succeeded; the entry is acknowledged.
    case succeeded
    /// The handler failed (or timed out) and the task was scheduled for another attempt.
    case retried
    /// The task went to the dead-letter stream (failed without retries left, non-retryable,
    /// unknown type, malformed, or quarantined).
    case deadLettered
    /// The run was cancelled at shutdown; the entry stays pending and runs again elsewhere.
    case cancelled
}

/// Receives a worker's task events, e.g. to export Prometheus metrics. Calls are made on the
/// handler's task and must return quickly.
public protocol WorkerObserver: Sendable {
    /// A handler is about to run; `waitSeconds` is the time since the task was enqueued.
    func taskStarted(queue: String, type: String, waitSeconds: Double)
    /// A run ended; `durationSeconds` is 0 for entries that never reached a handler.
    func taskFinished(queue: String, type: String, durationSeconds: Double, outcome: TaskOutcome)
}

/// An observer that ignores everything.
public struct NoWorkerObserver: WorkerObserver {
    public init() {}
    public func taskStarted(queue: String, type: String, waitSeconds: Double) {}
    public func taskFinished(queue: String, type: String, durationSeconds: Double, outcome: TaskOutcome) {}
}
