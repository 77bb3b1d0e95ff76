import BuraqAPI

/// One write the status writer hands to its ``StatusWriteTarget``.
public enum StatusWrite: Sendable, Equatable {
    /// The latest status of a TaskQueue.
    case status(TaskQueueKey, TaskQueueStatus)
    /// An Event about a TaskQueue; `attempt` counts from 1.
    case event(TaskQueueKey, QueueEvent, attempt: Int)

    /// The TaskQueue written about.
    public var key: TaskQueueKey {
        switch self {
        case .status(let key, _), .event(let key, _, _): key
        }
    }
}

/// How a write went.
public enum StatusWriteResult: Sendable, Equatable {
    /// Written.
    case written
    /// The TaskQueue (or its namespace) is gone: nothing to retry.
    case notFound
    /// Failed; `retryable` when trying again later can help (429, 5xx, connection trouble).
    case failed(ControllerError, retryable: Bool)
}

/// Where the status writer sends statuses and Events: the Kubernetes API
/// (``KubernetesStatusTarget``) or an in-memory recorder in tests.
public protocol StatusWriteTarget: Sendable {
    /// Performs one write.
    func perform(_ write: StatusWrite) async -> StatusWriteResult
}
