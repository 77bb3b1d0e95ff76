import Synchronization

/// One change to the set of TaskQueues.
public enum TaskQueueChange: Sendable {
    /// A TaskQueue appeared or changed; `failure` when its spec is invalid (it still exists and
    /// gets a Degraded status).
    case upsert(TaskQueueKey, generation: Int64, Result<QueueTarget, ControllerError>)
    /// A TaskQueue was deleted.
    case delete(TaskQueueKey)
    /// Every TaskQueue that existed at start has been reported (the controller is ready).
    case synced
}

/// Where TaskQueues come from: an informer on Kubernetes, YAML files in local mode.
public protocol TaskQueueSource: Sendable {
    /// Reports every TaskQueue and then every change, until cancelled.
    func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws
}

/// A fixed set of TaskQueues (tests, benchmarks); it reports them once and then waits. It
/// lets go of them once reported, so it holds no second copy of every spec while the
/// controller runs.
public final class StaticTaskQueueSource: TaskQueueSource {
    private let pending: Mutex<[TaskQueueChange]>

    /// Creates a source that reports `changes` once.
    public init(_ changes: [TaskQueueChange]) {
        pending = Mutex(changes)
    }

    /// Creates a source of valid targets.
    public convenience init(targets: [QueueTarget]) {
        self.init(targets.map { .upsert($0.key, generation: $0.generation, .success($0)) })
    }

    public func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws {
        let changes = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        for change in changes { onChange(change) }
        onChange(.synced)
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
