import BuraqQueue
import Synchronization

/// Queue figures held in memory, for tests and benchmarks of the reconcile loop.
public final class InMemoryQueueMetricsSource: QueueMetricsSource {
    private struct State {
        var stats: [String: QueueStats] = [:]
        var failures: [String: ControllerError] = [:]
        var workers: [String: [WorkerHeartbeat]] = [:]
        var settings: [String: QueueSettings] = [:]
        var reads = 0
    }
    private let state = Mutex(State())

    /// An empty source: unknown queues read as empty.
    public init() {}

    /// Sets a queue's figures.
    public func set(_ stats: QueueStats, for queue: String) {
        state.withLock { $0.stats[queue] = stats }
    }

    /// Makes reads of `queue` fail with `error` (`nil` clears it).
    public func fail(_ queue: String, with error: ControllerError?) {
        state.withLock { $0.failures[queue] = error }
    }

    /// Sets a queue's heartbeats.
    public func setWorkers(_ workers: [WorkerHeartbeat], for queue: String) {
        state.withLock { $0.workers[queue] = workers }
    }

    /// The settings last written for `queue`.
    public func settings(of queue: String) -> QueueSettings? {
        state.withLock { $0.settings[queue] }
    }

    /// Reads so far.
    public var reads: Int { state.withLock { $0.reads } }

    public func read(_ target: QueueTarget, writing settings: QueueSettings?) async -> QueueReading {
        state.withLock { state in
            state.reads += 1
            if let error = state.failures[target.queue] {
                return QueueReading(settingsWrite: settings.map { _ in .failure(error) }, metrics: .failure(error))
            }
            if let settings { state.settings[target.queue] = settings }
            return QueueReading(
                settingsWrite: settings.map { _ in .success(()) }, metrics: .success(state.stats[target.queue] ?? QueueStats()))
        }
    }

    public func workers(of target: QueueTarget) async -> Result<[WorkerHeartbeat], ControllerError> {
        state.withLock { state in
            if let error = state.failures[target.queue] { return .failure(error) }
            return .success(state.workers[target.queue] ?? [])
        }
    }
}
