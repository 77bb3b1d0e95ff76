import Logging
import Synchronization
import ServiceLifecycle

/// The controller as a `Service`: follows the TaskQueue source and runs one reconcile loop per
/// TaskQueue, each polling at its own interval. On graceful shutdown (SIGTERM) it stops polling,
/// then lets the scale target shut down (local mode drains the worker processes).
public final class ControllerService: Service, Sendable {
    private let source: any TaskQueueSource
    private let environment: ControllerEnvironment
    private let synced = Atomic<Bool>(false)

    /// Creates the service.
    public init(source: any TaskQueueSource, environment: ControllerEnvironment) {
        self.source = source
        self.environment = environment
    }

    /// Whether the source has reported every TaskQueue that existed at start (`/readyz`).
    public var isSynced: Bool { synced.load(ordering: .relaxed) }

    public func run() async throws {
        let environment = self.environment
        let source = self.source
        await cancelWhenGracefulShutdown {
            let (changes, continuation) = AsyncStream.makeStream(of: TaskQueueChange.self)
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        try await source.run { continuation.yield($0) }
                    } catch is CancellationError {
                    } catch {
                        environment.logger.error("TaskQueue source stopped", metadata: ["error": "\(error)"])
                    }
                    continuation.finish()
                }
                var handles: [TaskQueueKey: QueueHandle] = [:]
                for await change in changes {
                    switch change {
                    case .upsert(let key, let generation, let target):
                        let spec = QueueHandle.Spec(generation: generation, target: target)
                        if let handle = handles[key] {
                            handle.update(spec)
                        } else {
                            let handle = QueueHandle(key: key, spec: spec)
                            handles[key] = handle
                            environment.logger.info("Watching TaskQueue", metadata: ["taskQueue": "\(key)", "generation": "\(generation)"])
                            group.addTask { await QueueLoop(handle: handle, environment: environment).run() }
                        }
                    case .synced:
                        self.synced.store(true, ordering: .relaxed)
                        environment.logger.info("TaskQueues synced", metadata: ["taskQueues": "\(handles.count)"])
                    case .delete(let key):
                        if let handle = handles.removeValue(forKey: key) {
                            environment.logger.info("Forgetting deleted TaskQueue", metadata: ["taskQueue": "\(key)"])
                            handle.markDeleted()
                            group.addTask { await environment.scaleTarget.forget(key) }
                        }
                    }
                }
                group.cancelAll()
            }
        }
        environment.logger.info("Stopped polling; shutting down the scale target")
        await environment.scaleTarget.shutdown()
    }
}
