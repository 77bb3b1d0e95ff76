import Logging
import Synchronization
import ServiceLifecycle

/// The controller as a `Service`: follows the TaskQueue source and polls every TaskQueue at its
/// own interval. On graceful shutdown (SIGTERM) it stops polling, then lets the scale target shut
/// down (local mode drains the worker processes).
///
/// One scheduling loop serves every TaskQueue: a heap of due times (``PollSchedule``) and at most
/// `maxConcurrentPolls` polls running at once, each in a short-lived child task. A TaskQueue
/// between polls holds no task, so 1,000 TaskQueues cost their reconcilers and heap entries, and
/// the async frames of at most `maxConcurrentPolls` polls at a time (TaskQueues created together
/// fall due together). Due polls beyond the limit start as running ones finish, earliest first.
public final class ControllerService: Service, Sendable {
    private let source: any TaskQueueSource
    private let environment: ControllerEnvironment
    private let maxConcurrentPolls: Int
    private let synced = Atomic<Bool>(false)

    /// Creates the service.
    /// - Parameter maxConcurrentPolls: polls running at once at most (at least 1). A poll holds
    ///   its slot until its reads and writes finish or time out, so a limit well above the
    ///   number of TaskQueues on unreachable Redis servers keeps the others on time.
    public init(
        source: any TaskQueueSource, environment: ControllerEnvironment, maxConcurrentPolls: Int = defaultMaxConcurrentPolls
    ) {
        self.source = source
        self.environment = environment
        self.maxConcurrentPolls = max(1, maxConcurrentPolls)
    }

    /// The default limit on polls running at once.
    public static let defaultMaxConcurrentPolls = 64

    /// Whether the source has reported every TaskQueue that existed at start (`/readyz`).
    public var isSynced: Bool { synced.load(ordering: .relaxed) }

    /// What wakes the scheduling loop.
    private enum Event: Sendable {
        // Boxed: a change carries a whole spec (about 400 bytes), and the stream's buffer, which
        // never shrinks, holds every TaskQueue at once when a source reports them at start.
        indirect case change(TaskQueueChange)
        case sourceEnded
        case pollFinished(TaskQueueKey, id: UInt64, next: ContinuousClock.Instant)
        case wake(UInt64)
    }

    public func run() async throws {
        let environment = self.environment
        let source = self.source
        let limit = maxConcurrentPolls
        await cancelWhenGracefulShutdown {
            let (events, continuation) = AsyncStream.makeStream(of: Event.self)
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        try await source.run { continuation.yield(.change($0)) }
                    } catch is CancellationError {
                    } catch {
                        environment.logger.error("TaskQueue source stopped", metadata: ["error": "\(error)"])
                    }
                    continuation.yield(.sourceEnded)
                }
                var pollers: [TaskQueueKey: QueuePoller] = [:]
                // The schedule and the due lookups go by the poller's id, a number, rather than its
                // key (two strings to hash and retain at every heap swap, 1,000 times a second).
                var byID: [UInt64: QueuePoller] = [:]
                var retiring: [UInt64: QueuePoller] = [:]  // deleted while their poll runs
                var schedule = PollSchedule<UInt64, ContinuousClock.Instant>()
                var running = 0
                var lastID: UInt64 = 0
                var alarm = WakeAlarm { continuation.yield(.wake($0)) }
                defer { alarm.disarm() }
                loop: for await event in events {
                    switch event {
                    case .change(.upsert(let key, let generation, let target)):
                        let spec = QueuePoller.Spec(generation: generation, target: target)
                        if let poller = pollers[key] {
                            let changed = poller.spec.generation != generation
                            poller.update(spec)
                            // A new spec is acted on at once rather than at the next due time
                            // (a running poll picks it up on its next round).
                            if changed, schedule.contains(poller.id) { schedule.schedule(poller.id, at: .now) }
                        } else {
                            lastID += 1
                            let poller = QueuePoller(key: key, spec: spec, id: lastID, configuration: environment.reconciler)
                            pollers[key] = poller
                            byID[poller.id] = poller
                            schedule.schedule(poller.id, at: .now)
                            environment.logger.info("Watching TaskQueue", metadata: ["taskQueue": "\(key)", "generation": "\(generation)"])
                        }
                    case .change(.synced):
                        self.synced.store(true, ordering: .relaxed)
                        environment.logger.info("TaskQueues synced", metadata: ["taskQueues": "\(pollers.count)"])
                    case .change(.delete(let key)):
                        if let poller = pollers.removeValue(forKey: key) {
                            byID[poller.id] = nil
                            environment.logger.info("Forgetting deleted TaskQueue", metadata: ["taskQueue": "\(key)"])
                            // Scheduled means not polling now; a running poll forgets when it finishes.
                            if schedule.remove(poller.id) { poller.forget(environment) } else { retiring[poller.id] = poller }
                            group.addTask { await environment.scaleTarget.forget(key) }
                        }
                    case .sourceEnded:
                        break loop
                    case .pollFinished(let key, let id, let next):
                        running -= 1
                        if byID[id] != nil {
                            schedule.schedule(id, at: next)
                        } else if let deleted = retiring.removeValue(forKey: id), pollers[key] == nil {
                            // Deleted while polling (a TaskQueue re-created under the same key keeps its figures).
                            deleted.forget(environment)
                        }
                    case .wake(let id):
                        alarm.woke(id)
                    }
                    let now = ContinuousClock.now
                    while running < limit, let id = schedule.popDue(now: now) {
                        guard let poller = byID[id] else { continue }
                        // A standby (not the leader) reads nothing and writes nothing; it looks again in 1 s.
                        guard environment.mayWrite() else {
                            schedule.schedule(id, at: now + .seconds(1))
                            continue
                        }
                        running += 1
                        let key = poller.key
                        group.addTask {
                            let started = ContinuousClock.now
                            let wait = await poller.pollOnce(environment)
                            // The interval runs from poll start to poll start (a slow poll does not stretch it).
                            let next = max(started + wait, ContinuousClock.now + .milliseconds(10))
                            continuation.yield(.pollFinished(key, id: id, next: next))
                        }
                    }
                    alarm.arm(at: running < limit ? schedule.nextDue() : nil)
                }
                group.cancelAll()
            }
        }
        environment.logger.info("Stopped polling; shutting down the scale target")
        await environment.scaleTarget.shutdown()
    }
}
