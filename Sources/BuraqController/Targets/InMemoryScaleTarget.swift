import Synchronization

/// Replica counts held in memory, for tests and benchmarks. Records every write.
public final class InMemoryScaleTarget: ScaleTarget {
    /// One write.
    public struct Write: Sendable, Equatable {
        /// Which TaskQueue.
        public var key: TaskQueueKey
        /// From how many.
        public var from: Int32
        /// To how many.
        public var to: Int32
        /// The idle workers named for removal.
        public var idleWorkers: [String]

        /// Creates a record.
        public init(key: TaskQueueKey, from: Int32, to: Int32, idleWorkers: [String]) {
            self.key = key
            self.from = from
            self.to = to
            self.idleWorkers = idleWorkers
        }
    }

    private struct State {
        var replicas: [TaskQueueKey: Int32] = [:]
        var missing: Set<TaskQueueKey> = []
        var failWrites: ControllerError?
        var writes: [Write] = []
    }
    private let state = Mutex(State())

    /// An empty target: unknown workloads have 0 replicas.
    public init() {}

    /// Sets a workload's count.
    public func set(_ replicas: Int32, for key: TaskQueueKey) {
        state.withLock { $0.replicas[key] = replicas }
    }

    /// The count of a workload.
    public func replicas(of key: TaskQueueKey) -> Int32 {
        state.withLock { $0.replicas[key] ?? 0 }
    }

    /// Makes a workload missing (or present again).
    public func setMissing(_ key: TaskQueueKey, _ missing: Bool) {
        state.withLock { if missing { $0.missing.insert(key) } else { $0.missing.remove(key) } }
    }

    /// Makes writes fail (or succeed again with `nil`).
    public func failWrites(with error: ControllerError?) {
        state.withLock { $0.failWrites = error }
    }

    /// Every write so far.
    public var writes: [Write] { state.withLock { $0.writes } }

    public func scale(of target: QueueTarget) async -> Result<ScaleState, ControllerError> {
        state.withLock { state in
            if state.missing.contains(target.key) {
                return .failure(
                    ControllerError(code: .scaleTargetNotFound, message: "Workload \(target.scaleTargetName) not found"))
            }
            let replicas = state.replicas[target.key] ?? 0
            return .success(ScaleState(replicas: replicas, statusReplicas: replicas))
        }
    }

    public func setReplicas(_ replicas: Int32, for target: QueueTarget, from current: ScaleState, idleWorkers: [String]) async
        -> Result<Void, ControllerError>
    {
        state.withLock { state in
            if let error = state.failWrites { return .failure(error) }
            state.writes.append(Write(key: target.key, from: current.replicas, to: replicas, idleWorkers: idleWorkers))
            state.replicas[target.key] = replicas
            return .success(())
        }
    }
}
