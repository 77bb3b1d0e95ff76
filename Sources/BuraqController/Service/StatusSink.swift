import BuraqAPI
import Logging
import Synchronization

/// Where statuses and Events go: the Kubernetes API, or logs in local mode.
public protocol StatusSink: Sendable {
    /// Writes a TaskQueue's status. A sink that can fail retries by itself (the Kubernetes one
    /// queues the write and retries with backoff); the poll does not wait for or repeat it.
    func updateStatus(_ status: TaskQueueStatus, for key: TaskQueueKey) async
    /// Records an Event about a TaskQueue.
    func emit(_ event: QueueEvent, for key: TaskQueueKey) async
    /// Forgets a deleted TaskQueue (what waits for it, what is kept about it).
    func forget(_ key: TaskQueueKey)
}

extension StatusSink {
    /// Keeps nothing per TaskQueue, so forgets nothing.
    public func forget(_ key: TaskQueueKey) {}
}

/// Local mode: status changes and Events become log lines; the latest status is kept for
/// `/metrics` and tests.
public final class LoggingStatusSink: StatusSink {
    private let logger: Logger
    private let latest = Mutex<[TaskQueueKey: TaskQueueStatus]>([:])
    private let recorded = Mutex<[(TaskQueueKey, QueueEvent)]>([])

    /// Creates a sink writing to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// The last status of every TaskQueue.
    public var statuses: [TaskQueueKey: TaskQueueStatus] { latest.withLock { $0 } }

    /// How many recent Events ``events`` keeps.
    public static let keptEvents = 1000

    /// The most recent Events (at most ``keptEvents``).
    public var events: [(TaskQueueKey, QueueEvent)] { recorded.withLock { $0 } }

    public func updateStatus(_ status: TaskQueueStatus, for key: TaskQueueKey) async {
        latest.withLock { $0[key] = status }
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "taskQueue": "\(key)", "observedGeneration": "\(status.observedGeneration ?? 0)",
        ]
        if let value = status.backlog { metadata["backlog"] = "\(value)" }
        if let value = status.replicas { metadata["replicas"] = "\(value)" }
        if let value = status.desiredReplicas { metadata["desiredReplicas"] = "\(value)" }
        if let value = status.deadLetters { metadata["deadLetters"] = "\(value)" }
        for condition in status.conditions ?? [] {
            metadata[condition.type.prefix(1).lowercased() + condition.type.dropFirst()] =
                "\(condition.status.rawValue)/\(condition.reason)"
        }
        logger.debug("Updated status", metadata: metadata)
    }

    public func emit(_ event: QueueEvent, for key: TaskQueueKey) async {
        recorded.withLock {
            $0.append((key, event))
            if $0.count > Self.keptEvents { $0.removeFirst($0.count - Self.keptEvents) }
        }
        logger.log(
            level: event.type == .warning ? .warning : .info, "Event",
            metadata: ["taskQueue": "\(key)", "type": "\(event.type.rawValue)", "reason": "\(event.reason)", "detail": "\(event.message)"])
    }

    /// Forgets a deleted TaskQueue.
    public func forget(_ key: TaskQueueKey) {
        _ = latest.withLock { $0.removeValue(forKey: key) }
    }
}
