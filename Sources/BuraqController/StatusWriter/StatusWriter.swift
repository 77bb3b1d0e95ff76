import BuraqAPI
import BuraqKube
import Logging
import ServiceLifecycle
import Synchronization

/// Kubernetes mode's ``StatusSink``: takes statuses and Events off the poll path and writes them
/// in the background, a few at a time (``StatusWriteQueue`` decides what and when).
///
/// ``updateStatus(_:for:)`` and ``emit(_:for:)`` only queue and return at once, so a poll never
/// waits for the API server's rate limiter behind status writes. Only the leader writes: what is
/// queued while ``mayWrite`` is false is dropped (the new leader writes its own). As a `Service`
/// it writes until graceful shutdown, then flushes what is queued for at most
/// ``StatusWriterConfiguration/shutdownGracePeriod`` and returns: list it before the
/// ``ControllerService`` in the service group (shut down after it) and after the leader elector
/// (shut down before the lease is released).
public final class StatusWriter: StatusSink, Service, Sendable {
    private let target: any StatusWriteTarget
    private let state: Mutex<StatusWriteQueue>
    private let clock: any KubeClock
    private let mayWrite: @Sendable () -> Bool
    private let observer: any ControllerObserver
    private let logger: Logger
    /// Wake-ups of the writing loop; at most one waits, so a burst of offers costs one wake-up.
    private let kicks: AsyncStream<Void>
    private let kick: AsyncStream<Void>.Continuation
    /// When flushing must stop (set by graceful shutdown).
    private let flushDeadline = Mutex<Duration?>(nil)

    /// Creates a writer; nothing is written until ``run()``.
    /// - Parameters:
    ///   - target: where writes go (``KubernetesStatusTarget``).
    ///   - mayWrite: whether this controller is the leader.
    ///   - observer: told the queue depth and dropped Events (the Prometheus metrics).
    public init(
        target: any StatusWriteTarget, configuration: StatusWriterConfiguration = StatusWriterConfiguration(),
        clock: any KubeClock = SystemKubeClock(), mayWrite: @escaping @Sendable () -> Bool = { true },
        observer: any ControllerObserver = NoObserver(), logger: Logger = Logger(label: "buraq.controller.status")
    ) {
        self.target = target
        self.state = Mutex(StatusWriteQueue(configuration: configuration))
        self.clock = clock
        self.mayWrite = mayWrite
        self.observer = observer
        self.logger = logger
        (kicks, kick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Statuses waiting to be written (not counting writes in flight).
    public var queuedStatuses: Int { state.withLock { $0.queuedStatuses } }

    /// Queues the status (replacing one still waiting for the same TaskQueue).
    public func updateStatus(_ status: TaskQueueStatus, for key: TaskQueueKey) async {
        let (ready, counts) = state.withLock { ($0.offer(status, for: key), Self.counts($0)) }
        report(counts)
        if ready { kick.yield() }
    }

    /// Queues the Event.
    public func emit(_ event: QueueEvent, for key: TaskQueueKey) async {
        let counts = state.withLock {
            $0.offer(event, for: key)
            return Self.counts($0)
        }
        report(counts)
        kick.yield()
    }

    /// Drops what waits for a deleted TaskQueue and its memory.
    public func forget(_ key: TaskQueueKey) {
        report(state.withLock {
            $0.forget(key)
            return Self.counts($0)
        })
    }

    public func run() async throws {
        let kick = self.kick
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await serve()
            } onGracefulShutdown: {
                self.startFlush()
            }
        } onCancel: {
            kick.finish()
        }
    }

    /// Graceful shutdown: write what is queued, within the grace period.
    private func startFlush() {
        let deadline = clock.now + state.withLock { $0.configuration.shutdownGracePeriod }
        flushDeadline.withLock { $0 = $0 ?? deadline }
        kick.yield()
    }

    /// The writing loop: hands out writes whenever woken (an offer, a finished write, a retry
    /// falling due), until the stream ends (cancelled) or the flush is done.
    private func serve() async {
        await withDiscardingTaskGroup { group in
            var alarm: (deadline: Duration, sleeper: Task<Void, Never>)?
            defer { alarm?.sleeper.cancel() }
            for await _ in kicks {
                let now = clock.now
                let flushBy = flushDeadline.withLock { $0 }
                if let flushBy, now >= flushBy {
                    let (dropped, grace) = state.withLock { ($0.dropQueued(), $0.configuration.shutdownGracePeriod) }
                    logger.warning(
                        "Dropped status writes at shutdown",
                        metadata: [
                            "statuses": "\(dropped.statuses)", "events": "\(dropped.events)",
                            "gracePeriodSeconds": "\(grace.components.seconds)",
                        ])
                    group.cancelAll()
                    break
                }
                if !mayWrite() { dropQueued() }
                var wakeAt: Duration?
                dispatch: while true {
                    switch state.withLock({ $0.next(now: now) }) {
                    case .write(let write):
                        group.addTask { await self.perform(write) }
                    case .wait(let until):
                        wakeAt = until
                        break dispatch
                    case .idle:
                        break dispatch
                    }
                }
                if flushBy != nil, state.withLock({ $0.isEmpty }) { break }
                if let flushBy { wakeAt = min(wakeAt ?? flushBy, flushBy) }
                guard let wakeAt else { continue }
                if let armed = alarm, armed.deadline > now, armed.deadline <= wakeAt { continue }
                alarm?.sleeper.cancel()
                let kick = self.kick
                let clock = self.clock
                alarm = (
                    wakeAt,
                    Task {
                        do { try await clock.sleep(for: wakeAt - clock.now) } catch { return }
                        kick.yield()
                    }
                )
            }
        }
        report(state.withLock { Self.counts($0) })
    }

    private func perform(_ write: StatusWrite) async {
        let result = await target.perform(write)
        let now = clock.now
        let (line, counts) = state.withLock { ($0.finished(write, result, now: now), Self.counts($0)) }
        line?.write(to: logger)
        report(counts)
        kick.yield()
    }

    private func dropQueued() {
        let (dropped, counts) = state.withLock { ($0.dropQueued(), Self.counts($0)) }
        report(counts)
        guard dropped.statuses + dropped.events > 0 else { return }
        logger.info(
            "Dropped queued status writes: not the leader",
            metadata: ["statuses": "\(dropped.statuses)", "events": "\(dropped.events)"])
    }

    private static func counts(_ queue: StatusWriteQueue) -> (statuses: Int, droppedEvents: Int) {
        (queue.queuedStatuses, queue.droppedEvents)
    }

    private func report(_ counts: (statuses: Int, droppedEvents: Int)) {
        observer.statusWriter(queuedStatuses: counts.statuses, droppedEvents: counts.droppedEvents)
    }
}
