import BuraqRedis
import Logging
import ServiceLifecycle
import Foundation
import Synchronization

/// Runs handlers for the tasks of one queue, as a member of the queue's consumer group.
///
/// - Fetches in batches (`XREADGROUP ... COUNT n BLOCK ms`) only when handler slots are free,
///   runs up to `concurrency` handlers as child tasks, and acknowledges finished entries in
///   pipelined batches (`XACK` + `XDEL`).
/// - A failed handler is retried with exponential backoff and jitter through the scheduled set;
///   after `maxRetries` the task goes to the dead-letter stream with the error text, attempts,
///   worker id and time, in the same atomic step as its ack (Lua).
/// - Unknown types and malformed entries go to the dead-letter stream with the reason; the worker
///   goes on.
/// - Due scheduled tasks are moved to the stream by every live worker (atomic Lua).
/// - After a Redis error the worker reconnects with backoff and first re-reads its own pending
///   entries (`XREADGROUP ... 0`), so entries whose delivery reply was lost still run.
/// - On graceful shutdown (SIGTERM through a `ServiceGroup`) it stops fetching, lets in-flight
///   handlers finish within `shutdownGracePeriod`, flushes acks and returns.
public final class Worker: Service, Sendable {
    public let configuration: WorkerConfiguration
    public let keys: QueueKeys
    private let handlers: HandlerRegistry
    private let fetchRedis: RedisClient
    private let redis: RedisClient
    private let logger: Logger
    private let clock: any WallClock
    private let slots: Slots
    private let acks = AckBuffer()
    private let stopping = Atomic<Bool>(false)
    private let state = Mutex(WorkerState())
    private let observer: any WorkerObserver
    private let startedAt: Int64

    private struct WorkerState {
        var counters = WorkerCounters()
        var inFlightIDs: Set<String> = []
        var lastFetchErrorLog: ContinuousClock.Instant?
        var needsPendingRecovery = true
    }

    /// Creates a worker; it connects when ``run()`` starts.
    public init(redis: RedisConfiguration, configuration: WorkerConfiguration, handlers: HandlerRegistry,
                logger: Logger = Logger(label: "buraq.worker"), clock: any WallClock = SystemWallClock(),
                observer: any WorkerObserver = NoWorkerObserver()) throws(QueueError) {
        self.configuration = configuration
        self.keys = try QueueKeys(queue: configuration.queue)
        self.handlers = handlers
        var fetchConfig = redis
        fetchConfig.maxReconnectDelay = min(redis.maxReconnectDelay, .seconds(1))
        self.fetchRedis = RedisClient(configuration: fetchConfig, poolSize: 1, name: "buraq-fetch", logger: logger)
        self.redis = RedisClient(configuration: redis, poolSize: 2, name: "buraq-cmd", logger: logger)
        var logger = logger
        logger[metadataKey: "queue"] = "\(configuration.queue)"
        logger[metadataKey: "worker"] = "\(configuration.consumer)"
        self.logger = logger
        self.clock = clock
        self.slots = Slots(capacity: configuration.concurrency)
        self.observer = observer
        self.startedAt = clock.nowMilliseconds()
    }

    /// Totals since start.
    public var counters: WorkerCounters {
        state.withLock { s in
            var c = s.counters
            c.inFlight = s.inFlightIDs.count
            return c
        }
    }

    /// Asks the worker to stop as on SIGTERM (stop fetching, drain, flush acks).
    public func stop() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) == false {
            logger.info("Stopping worker", metadata: ["inFlight": "\(slots.inUse)"])
        }
        slots.wake()
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    public func run() async throws {
        logger.info("Started worker", metadata: [
            "redis": "\(redis.configuration.displayAddress)", "group": "\(configuration.group)",
            "concurrency": "\(configuration.concurrency)", "handlers": "\(handlers.types.joined(separator: ","))",
        ])
        await withGracefulShutdownHandler {
            await self.runLoops()
        } onGracefulShutdown: {
            self.stop()
        }
        fetchRedis.close()
        redis.close()
        let c = counters
        logger.info("Stopped worker", metadata: [
            "processed": "\(c.processed)", "failed": "\(c.failed)", "retried": "\(c.retried)", "deadLettered": "\(c.deadLettered)",
        ])
    }

    private func runLoops() async {
        await withDiscardingTaskGroup { background in
            background.addTask { await self.promoteLoop() }
            background.addTask { await self.ackLoop() }
            background.addTask { await self.heartbeatLoop() }
            await withDiscardingTaskGroup { running in
                await self.fetchLoop(into: &running)
                await self.drain(cancelling: &running)
            }
            self.acks.close()
        }
    }

    // MARK: - Fetching

    private func fetchLoop(into running: inout DiscardingTaskGroup) async {
        while !isStopping && !Task.isCancelled {
            if state.withLock({ $0.needsPendingRecovery }) {
                guard await ensureGroup(), await recoverOwnPending(into: &running) else {
                    await pauseAfterError()
                    continue
                }
                state.withLock { $0.needsPendingRecovery = false }
            }
            await slots.waitForFree()
            if isStopping || Task.isCancelled { break }
            let count = min(slots.free, configuration.batchSize ?? configuration.concurrency)
            guard count > 0 else { continue }
            let blockMs = configuration.blockTimeout.components.seconds * 1000
                + configuration.blockTimeout.components.attoseconds / 1_000_000_000_000_000
            let command = RedisCommand("XREADGROUP", "GROUP", configuration.group, configuration.consumer,
                                       "COUNT", count, "BLOCK", max(1, blockMs), "STREAMS", keys.stream, ">")
            do {
                let reply = try await fetchRedis.send(command, timeout: redis.configuration.commandTimeout + configuration.blockTimeout)
                start(entries: Self.entries(of: reply), into: &running)
            } catch {
                if error.prefix == "NOGROUP" {
                    logger.warning("Consumer group missing, creating it", metadata: ["group": "\(configuration.group)"])
                } else {
                    logFetchError(error)
                }
                state.withLock { $0.needsPendingRecovery = true }
                await pauseAfterError()
            }
        }
    }

    /// Re-reads this consumer's own pending entries (delivered but never acked) and runs those
    /// that are not already running or waiting for their ack.
    private func recoverOwnPending(into running: inout DiscardingTaskGroup) async -> Bool {
        var after = "0"
        var recovered = 0
        while !isStopping {
            let command = RedisCommand("XREADGROUP", "GROUP", configuration.group, configuration.consumer,
                                       "COUNT", 500, "STREAMS", keys.stream, after)
            let entries: [(id: String, fields: [RESPValue])]
            do {
                entries = Self.entries(of: try await fetchRedis.send(command))
            } catch {
                logFetchError(error)
                return false
            }
            if entries.isEmpty { break }
            after = entries.last!.id
            let fresh = entries.filter { entry in
                !state.withLock { $0.inFlightIDs.contains(entry.id) } && !acks.contains(entry.id)
            }
            for entry in fresh {
                await slots.waitForFree()
                if isStopping { break }
                if entry.fields.isEmpty {
                    // The entry was deleted from the stream while pending: nothing to run, just ack it.
                    acks.add(entry.id)
                    continue
                }
                start(entries: [entry], into: &running)
                recovered += 1
            }
        }
        if recovered > 0 {
            logger.info("Recovered pending tasks of this worker", metadata: ["count": "\(recovered)"])
        }
        return true
    }

    private func start(entries: [(id: String, fields: [RESPValue])], into running: inout DiscardingTaskGroup) {
        for entry in entries {
            slots.acquire()
            state.withLock { _ = $0.inFlightIDs.insert(entry.id) }
            running.addTask {
                await self.process(id: entry.id, fields: entry.fields)
                self.state.withLock { _ = $0.inFlightIDs.remove(entry.id) }
                self.slots.release()
            }
        }
    }

    private func ensureGroup() async -> Bool {
        do {
            try await redis.send(RedisCommand("XGROUP", "CREATE", keys.stream, configuration.group, "0", "MKSTREAM"))
            logger.info("Created consumer group", metadata: ["group": "\(configuration.group)", "stream": "\(keys.stream)"])
            return true
        } catch {
            if error.prefix == "BUSYGROUP" { return true }
            logFetchError(error)
            return false
        }
    }

    private func pauseAfterError() async {
        // The client itself spaces reconnect attempts; this keeps a hot loop off Redis error replies.
        try? await Task.sleep(for: .milliseconds(100))
    }

    private func logFetchError(_ error: RedisError) {
        let now = ContinuousClock.now
        let shouldLog = state.withLock { s -> Bool in
            if let last = s.lastFetchErrorLog, now - last < .seconds(5) { return false }
            s.lastFetchErrorLog = now
            return true
        }
        if shouldLog {
            logger.warning("Cannot read tasks from Redis, retrying", metadata: ["error": "\(error)"])
        }
    }

    /// Splits an XREADGROUP reply into (entry id, flat field list) pairs.
    static func entries(of reply: RESPValue) -> [(id: String, fields: [RESPValue])] {
        guard let streams = reply.array else { return [] }
        var out: [(id: String, fields: [RESPValue])] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2, let items = pair[1].array else { continue }
            out.reserveCapacity(out.count + items.count)
            for item in items {
                guard let parts = item.array, parts.count == 2, let id = parts[0].string else { continue }
                out.append((id, parts[1].array ?? []))
            }
        }
        return out
    }

    // MARK: - Running one task

    private func process(id: String, fields: [RESPValue]) async {
        let task: BuraqTask
        do {
            task = try WireFormat.task(fromFields: fields, streamID: id)
        } catch {
            logger.warning("Moved malformed entry to the dead-letter queue", metadata: ["streamID": "\(id)", "error": "\(error.message)"])
            await deadLetter(streamID: id, fields: fields.compactMap(\.bytes), reason: "malformed", error: error.message, attempts: 0)
            observer.taskFinished(queue: configuration.queue, type: "", durationSeconds: 0, outcome: .deadLettered)
            return
        }
        guard let handler = handlers.handler(for: task.type) else {
            let message = "No handler registered for task type '\(task.type)' (known: \(handlers.types.joined(separator: ", ")))"
            logger.warning("Moved task of unknown type to the dead-letter queue", metadata: ["taskID": "\(task.id)", "type": "\(task.type)"])
            await deadLetter(streamID: id, fields: WireFormat.fields(of: task), reason: "unknown_type", error: message, attempts: task.attempt)
            observer.taskFinished(queue: configuration.queue, type: task.type, durationSeconds: 0, outcome: .deadLettered)
            return
        }
        let started = ContinuousClock.now
        observer.taskStarted(queue: configuration.queue, type: task.type,
                             waitSeconds: task.enqueuedAt > 0 ? max(0, Double(clock.nowMilliseconds() - task.enqueuedAt) / 1000) : 0)
        func finished(_ outcome: TaskOutcome) {
            let elapsed = ContinuousClock.now - started
            observer.taskFinished(queue: configuration.queue, type: task.type,
                                  durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                                  outcome: outcome)
        }
        do {
            try await handler(task)
            acks.add(id)
            state.withLock { $0.counters.processed += 1 }
            finished(.succeeded)
        } catch is CancellationError where isStopping {
            finished(.cancelled)
            // Cancelled at the end of the grace period: the entry stays pending and is recovered later.
            logger.warning("Cancelled task at shutdown, left pending", metadata: ["taskID": "\(task.id)", "streamID": "\(id)"])
        } catch {
            state.withLock { $0.counters.failed += 1 }
            let text = String(describing: error)
            let decision: RetryPolicy.Decision = error is NonRetryableError ? .deadLetter : configuration.retry.decide(attempt: task.attempt)
            switch decision {
            case .retry(let delay):
                var next = task
                next.attempt += 1
                let due = clock.nowMilliseconds() + delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
                let ok = await reliably("retry") { () async throws(RedisError) -> Void in
                    var args: [any RedisArgumentConvertible] = [self.configuration.group, id, due, next.id]
                    args.append(contentsOf: WireFormat.fields(of: next) as [any RedisArgumentConvertible])
                    try await self.redis.run(QueueScripts.retry, keys: [self.keys.stream, self.keys.scheduled, self.keys.scheduledTask(next.id)],
                                             arguments: args)
                }
                finished(.retried)
                if ok {
                    state.withLock { $0.counters.retried += 1 }
                    logger.debug("Scheduled retry", metadata: ["taskID": "\(task.id)", "attempt": "\(next.attempt)",
                                                              "delayMs": "\(due - clock.nowMilliseconds())", "error": "\(text)"])
                }
            case .deadLetter:
                logger.warning("Moved failed task to the dead-letter queue", metadata: [
                    "taskID": "\(task.id)", "type": "\(task.type)", "attempts": "\(task.attempt + 1)", "error": "\(text)",
                ])
                await deadLetter(streamID: id, fields: WireFormat.fields(of: task), reason: error is NonRetryableError ? "non_retryable" : "failed",
                                 error: text, attempts: task.attempt + 1)
                finished(.deadLettered)
            }
        }
    }

    private func deadLetter(streamID: String, fields: [[UInt8]], reason: String, error: String, attempts: Int) async {
        var args: [any RedisArgumentConvertible] = [configuration.group, streamID, configuration.deadLetterMaxLength]
        args.append(contentsOf: fields as [any RedisArgumentConvertible])
        args.append(contentsOf: [
            "error", error, "reason", reason, "attempts", attempts, "failed_at", clock.nowMilliseconds(),
            "worker", configuration.consumer, "original_id", streamID,
        ] as [any RedisArgumentConvertible])
        let ok = await reliably("deadLetter") { () async throws(RedisError) -> Void in
            try await self.redis.run(QueueScripts.deadLetter, keys: [self.keys.stream, self.keys.deadLetter], arguments: args)
        }
        if ok { state.withLock { $0.counters.deadLettered += 1 } }
    }

    /// Runs a Redis step, retrying transient failures with backoff for up to a minute.
    /// On giving up the entry stays pending and is recovered later.
    private func reliably(_ what: String, _ body: () async throws(RedisError) -> Void) async -> Bool {
        let backoff = Backoff(initialDelay: .milliseconds(50), maxDelay: .seconds(2))
        let deadline = ContinuousClock.now + .seconds(60)
        var attempt = 0
        while true {
            do {
                try await body()
                return true
            } catch {
                attempt += 1
                if !error.isTransient || ContinuousClock.now > deadline {
                    logger.error("Gave up on Redis step; the entry stays pending", metadata: ["step": "\(what)", "error": "\(error)"])
                    return false
                }
                try? await Task.sleep(for: backoff.delay(forAttempt: attempt))
            }
        }
    }

    // MARK: - Acks, promotion, shutdown

    private func ackLoop() async {
        let backoff = Backoff(initialDelay: .milliseconds(20), maxDelay: .seconds(2))
        var failures = 0
        while true {
            let batch = await acks.next(max: 5000)
            if batch.isEmpty { return }
            var xack = RedisCommand("XACK", keys.stream, configuration.group)
            var xdel = RedisCommand("XDEL", keys.stream)
            for id in batch {
                xack.append(argument: id)
                xdel.append(argument: id)
            }
            do {
                let replies = try await redis.pipeline([xack, xdel])
                if let message = replies.lazy.compactMap(\.errorMessage).first {
                    throw RedisError(code: .server, message: message, context: ["command": "XACK"])
                }
                failures = 0
            } catch {
                failures += 1
                acks.putBack(batch)
                if failures == 1 || failures % 20 == 0 {
                    logger.warning("Cannot acknowledge tasks, retrying", metadata: ["count": "\(batch.count)", "error": "\(error)"])
                }
                if isStopping && failures >= 30 {
                    logger.error("Gave up acknowledging at shutdown; these entries stay pending and will run again",
                                 metadata: ["count": "\(acks.count)"])
                    return
                }
                try? await Task.sleep(for: backoff.delay(forAttempt: failures))
            }
        }
    }

    private func promoteLoop() async {
        while !isStopping && !Task.isCancelled {
            do {
                var moved: Int64 = 0
                repeat {
                    let reply = try await redis.run(QueueScripts.promote, keys: [keys.scheduled, keys.stream],
                                                    arguments: [clock.nowMilliseconds(), 1000, keys.scheduledTaskPrefix])
                    moved = reply.int ?? 0
                    if moved > 0 { logger.debug("Moved due tasks to the stream", metadata: ["count": "\(moved)"]) }
                } while moved >= 1000 && !isStopping
            } catch {
                // Fetch errors are logged by the fetch loop; stay quiet here.
            }
            try? await Task.sleep(for: configuration.promoteInterval)
        }
    }

    /// Sleeps in short steps so a stop is noticed within 50 ms.
    private func sleepUnlessStopping(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !isStopping && !Task.isCancelled && ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
        }
    }

    private func heartbeatLoop() async {
        let interval = configuration.heartbeatInterval
        let ttl = Int64(interval.components.seconds) * 3000 + interval.components.attoseconds / 333_333_333_333_333
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(getpid())
        while !isStopping && !Task.isCancelled {
            let c = counters
            let beat = WorkerHeartbeat(id: configuration.consumer, host: host, pid: pid, startedAt: startedAt,
                                       beatAt: clock.nowMilliseconds(), concurrency: configuration.concurrency,
                                       inFlight: c.inFlight, processed: c.processed, failed: c.failed)
            _ = try? await redis.pipeline(beat.commands(keys: keys, ttlMilliseconds: ttl))
            await sleepUnlessStopping(interval)
        }
        // Leave the set on a clean stop so `buraq workers` and the controller stop counting us.
        _ = try? await redis.pipeline([RedisCommand("ZREM", keys.workers, configuration.consumer),
                                       RedisCommand("DEL", keys.worker(configuration.consumer))])
    }

    private func drain(cancelling running: inout DiscardingTaskGroup) async {
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        if slots.inUse > 0 {
            logger.info("Waiting for in-flight tasks", metadata: ["inFlight": "\(slots.inUse)",
                                                                   "gracePeriodSeconds": "\(configuration.shutdownGracePeriod.components.seconds)"])
        }
        while slots.inUse > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if slots.inUse > 0 {
            logger.warning("Grace period over, cancelling in-flight tasks", metadata: ["inFlight": "\(slots.inUse)"])
            running.cancelAll()
        }
    }
}
