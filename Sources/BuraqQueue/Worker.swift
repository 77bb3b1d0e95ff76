import BuraqBase
import BuraqRedis
import Glibc
import FoundationEssentials
import Logging
import ServiceLifecycle
import Synchronization

/// Runs handlers for the tasks of one queue, as a member of the queue's consumer group.
///
/// - Fetches in batches only when handler slots are free, runs up to `concurrency` handlers as
///   child tasks, and acknowledges finished entries in batches. Every finishing step (ack, retry,
///   dead-letter) checks in Redis that the entry is still this worker's (fencing).
/// - A failed or timed-out handler is retried with exponential backoff and jitter through the
///   scheduled set; after `maxRetries` the task goes to the dead-letter stream with the error text,
///   attempts, worker id and time, in the same atomic step as its ack.
/// - Unknown types and malformed entries go to the dead-letter stream with the reason.
/// - Entries left pending longer than the visibility timeout (a crashed worker's) are reclaimed
///   and run again with `attempt + 1`; entries delivered `maxDeliveries` times are quarantined.
///   Long handlers extend their lease so they are not reclaimed while alive.
/// - Priority levels are read strictly in order; rate and in-flight limits hold across workers.
/// - The queue's config hash (`buraq:{Q}:config`) is followed within a second; paused workers
///   stop fetching and keep their in-flight work.
/// - On graceful shutdown (SIGTERM through a `ServiceGroup`, or ``stop()``) it stops fetching,
///   lets in-flight handlers finish within `shutdownGracePeriod`, flushes acks and returns.
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
    private let state: Mutex<WorkerState>
    private let observer: any WorkerObserver
    /// False for ``NoWorkerObserver``: the clock reads that only feed the observer are skipped.
    private let observing: Bool
    private let startedAt: Int64

    private typealias Fetched = FetchedEntry

    private struct WorkerState {
        var counters = WorkerCounters()
        var inFlight: InFlightTable
        var reclaimed: [Fetched] = []
        var settings: WorkerSettings
        var lastConfigProblem: String?
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
        self.observing = !(observer is NoWorkerObserver)
        self.startedAt = clock.nowMilliseconds()
        self.state = Mutex(WorkerState(inFlight: InFlightTable(capacity: configuration.concurrency), settings: WorkerSettings(configuration)))
    }

    /// Totals since start.
    public var counters: WorkerCounters {
        state.withLock { s in
            var c = s.counters
            c.inFlight = s.inFlight.count
            return c
        }
    }

    /// True while the queue's config says paused (or the worker was started paused).
    public var isPaused: Bool { settings.paused }

    private var settings: WorkerSettings { state.withLock { $0.settings } }

    /// Asks the worker to stop as on SIGTERM (stop fetching, drain, flush acks).
    public func stop() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) == false {
            logger.info("Stopping worker", metadata: ["inFlight": "\(slots.inUse)"])
        }
        slots.wake()
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) || Task.isCancelled }

    public func run() async throws {
        logger.info("Started worker", metadata: [
            "redis": "\(redis.configuration.displayAddress)", "group": "\(configuration.group)",
            "concurrency": "\(configuration.concurrency)", "handlers": "\(handlers.types.joined(separator: ","))",
        ])
        if configuration.followQueueConfig { await refreshConfig() }
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
            background.addTask { await self.reclaimLoop() }
            background.addTask { await self.leaseLoop() }
            background.addTask { await self.deadlineLoop() }
            if configuration.followQueueConfig { background.addTask { await self.configLoop() } }
            await withDiscardingTaskGroup { running in
                await self.fetchLoop(into: &running)
                await self.drain(cancelling: &running)
            }
            self.acks.close()
        }
    }

    // MARK: - Fetching

    private func fetchLoop(into running: inout DiscardingTaskGroup) async {
        while !isStopping {
            let current = settings
            let streams = keys.streams(priorities: current.priorities)
            if state.withLock({ $0.needsPendingRecovery }) {
                guard await ensureGroups(streams), await recoverOwnPending(streams, into: &running) else {
                    await pauseAfterError()
                    continue
                }
                state.withLock { $0.needsPendingRecovery = false }
            }
            await slots.waitForFree()
            if isStopping { break }
            // Reclaimed entries (from crashed workers) go first.
            let reclaimed = state.withLock { s -> [Fetched] in
                let n = min(s.reclaimed.count, slots.free)
                let taken = Array(s.reclaimed.prefix(n))
                s.reclaimed.removeFirst(n)
                return taken
            }
            if !reclaimed.isEmpty {
                for entry in reclaimed where entry.isolated { await start(isolated: entry, current, into: &running) }
                start(reclaimed.filter { !$0.isolated }, current, into: &running)
                continue
            }
            if current.paused {
                await sleepUnlessStopping(.milliseconds(100))
                continue
            }
            let count = min(slots.free, configuration.batchSize ?? configuration.concurrency)
            guard count > 0 else { continue }
            do {
                var entries: [Fetched] = []
                if current.hasLimits || streams.count > 1 {
                    // Limits and strict priority order are decided inside Redis, atomically.
                    entries = try await fetchRedis.run(QueueScripts.fetch, keys: [keys.rateLimit] + streams, arguments: [
                        configuration.group, configuration.consumer, count, current.maxInFlight,
                        current.rateLimitPerSecond, current.effectiveBurst,
                    ], decoding: FetchedEntry.entries(ofReadReply:))
                    if entries.isEmpty && current.hasLimits {
                        // A limited queue polls: blocking would bypass the limits.
                        await sleepUnlessStopping(.milliseconds(20))
                        continue
                    }
                }
                if entries.isEmpty {
                    var command = RedisCommand("XREADGROUP", "GROUP", configuration.group, configuration.consumer,
                                               "COUNT", count, "BLOCK", max(1, milliseconds(configuration.blockTimeout)), "STREAMS")
                    for s in streams { command.append(argument: s) }
                    for _ in streams { command.append(argument: ">") }
                    entries = try await fetchRedis.send(command, timeout: redis.configuration.commandTimeout + configuration.blockTimeout,
                                                        decoding: FetchedEntry.entries(ofReadReply:))
                }
                start(entries, current, into: &running)
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

    /// Runs this consumer's own pending entries (delivered but never acked: a crash or a lost
    /// reply) that are not already running or waiting for their ack. Each is claimed again on its
    /// own (raising its delivery count by one) and run alone, so a task that crashed the worker
    /// reaches `maxDeliveries` and is quarantined while its innocent neighbours complete.
    private func recoverOwnPending(_ streams: [String], into running: inout DiscardingTaskGroup) async -> Bool {
        var recovered = 0
        let current = settings
        for stream in streams {
            var start = "-"
            while !isStopping {
                let page: [RESPValue]
                do {
                    page = try await redis.send(RedisCommand("XPENDING", stream, configuration.group, start, "+", 100, configuration.consumer)).array ?? []
                } catch {
                    logFetchError(error)
                    return false
                }
                if page.isEmpty { break }
                for item in page {
                    guard let p = item.array, p.count >= 4, let id = p[0].string, let deliveries = p[3].int else { continue }
                    start = "(" + id
                    let key = EntryKey(stream: stream, id: id)
                    if isBusy(key) { continue }
                    if current.maxDeliveries > 0 && deliveries >= Int64(current.maxDeliveries) {
                        await quarantine(stream: stream, id: id, deliveries: deliveries, minIdle: 0, owner: configuration.consumer, current)
                        continue
                    }
                    let claimed: RESPValue
                    do {
                        claimed = try await redis.send(RedisCommand("XCLAIM", stream, configuration.group, configuration.consumer, 0, id))
                    } catch {
                        logFetchError(error)
                        return false
                    }
                    guard let parts = claimed.array?.first?.array, parts.count == 2 else {
                        // Deleted from the stream while pending (XCLAIM drops it from the pending list).
                        continue
                    }
                    await self.start(isolated: Fetched(key: key, fields: parts[1].array ?? [], reclaimed: false, isolated: true), current, into: &running)
                    recovered += 1
                    if isStopping { break }
                }
                if page.count < 100 { break }
            }
        }
        if recovered > 0 {
            logger.info("Recovered pending tasks of this worker", metadata: ["count": "\(recovered)"])
        }
        return true
    }

    private func isBusy(_ key: EntryKey) -> Bool {
        state.withLock { s in s.inFlight.contains(key) || s.reclaimed.contains { $0.key == key } } || acks.contains(key)
    }

    /// Starts a handler per entry (one lock for the whole batch's bookkeeping).
    private func start(_ entries: [Fetched], _ current: WorkerSettings, into running: inout DiscardingTaskGroup) {
        guard !entries.isEmpty else { return }
        let now = ContinuousClock.now
        slots.acquire(entries.count)
        let tokens = state.withLock { s in entries.map { s.inFlight.insert(InFlightTable.Entry(key: $0.key, started: now)) } }
        for (entry, token) in zip(entries, tokens) {
            running.addTask {
                let succeeded = await self.process(entry, current, token: token)
                self.state.withLock { s in
                    s.inFlight.remove(token)
                    if succeeded { s.counters.processed += 1 }
                }
                self.slots.release()
            }
        }
    }

    /// Waits until no handler runs, runs `entry` alone, and waits for it to finish.
    private func start(isolated entry: Fetched, _ current: WorkerSettings, into running: inout DiscardingTaskGroup) async {
        while slots.inUse > 0 && !isStopping { try? await Task.sleep(for: .milliseconds(5)) }
        if isStopping { return }
        start([entry], current, into: &running)
        while slots.inUse > 0 && !isStopping { try? await Task.sleep(for: .milliseconds(5)) }
    }

    private func ensureGroups(_ streams: [String]) async -> Bool {
        let commands = streams.map { RedisCommand("XGROUP", "CREATE", $0, configuration.group, "0", "MKSTREAM") }
        do {
            let replies = try await redis.pipeline(commands)
            for (stream, reply) in zip(streams, replies) {
                if let message = reply.errorMessage {
                    if message.hasPrefix("BUSYGROUP") { continue }
                    logFetchError(RedisError(code: .server, message: message, context: ["command": "XGROUP", "key": stream]))
                    return false
                }
                logger.info("Created consumer group", metadata: ["group": "\(configuration.group)", "stream": "\(stream)"])
            }
            return true
        } catch {
            logFetchError(error)
            return false
        }
    }

    private func pauseAfterError() async {
        // The client itself spaces reconnect attempts; this keeps a hot loop off Redis error replies.
        await sleepUnlessStopping(.milliseconds(100))
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

    // MARK: - Running one task

    /// Runs one entry's handler and finishes the entry; true when the handler succeeded.
    private func process(_ entry: Fetched, _ current: WorkerSettings, token: Int) async -> Bool {
        let id = entry.key.id
        var task: BuraqTask
        switch entry.body {
        case .task(let t):
            task = t
        case .malformed(let fields, let error):
            logger.warning("Moved malformed entry to the dead-letter queue", metadata: ["streamID": "\(id)", "error": "\(error.message)"])
            await deadLetter(entry.key, fields: fields, reason: "malformed", error: error.message, attempts: 0)
            observer.taskFinished(queue: configuration.queue, type: "", durationSeconds: 0, outcome: .deadLettered)
            return false
        }
        if entry.reclaimed { task.attempt += 1 }
        guard let handler = handlers.handler(for: task.type) else {
            let message = "No handler registered for task type '\(task.type)' (known: \(handlers.types.joined(separator: ", ")))"
            logger.warning("Moved task of unknown type to the dead-letter queue", metadata: ["taskID": "\(task.id)", "type": "\(task.type)"])
            await deadLetter(entry.key, fields: WireFormat.fields(of: task), reason: "unknown_type", error: message, attempts: task.attempt)
            observer.taskFinished(queue: configuration.queue, type: task.type, durationSeconds: 0, outcome: .deadLettered)
            return false
        }
        let started: ContinuousClock.Instant? = observing ? .now : nil
        if observing {
            observer.taskStarted(queue: configuration.queue, type: task.type,
                                 waitSeconds: task.enqueuedAt > 0 ? max(0, Double(clock.nowMilliseconds() - task.enqueuedAt) / 1000) : 0)
        }
        func finished(_ outcome: TaskOutcome) {
            guard let started else { return }
            let elapsed = ContinuousClock.now - started
            observer.taskFinished(queue: configuration.queue, type: task.type,
                                  // Never 0 once started: 0 tells observers the entry never reached a handler.
                                  durationSeconds: max(1e-9, elapsed.seconds),
                                  outcome: outcome)
        }
        do {
            if let timeout = current.taskTimeout {
                try await run(handler, task, timeout: timeout, token: token)
            } else {
                try await handler(task)
            }
            acks.add(entry.key)
            finished(.succeeded)
            return true
        } catch is CancellationError where isStopping {
            // Cancelled at the end of the grace period: the entry stays pending and is recovered later.
            finished(.cancelled)
            logger.warning("Cancelled task at shutdown, left pending", metadata: ["taskID": "\(task.id)", "streamID": "\(id)"])
        } catch {
            state.withLock { $0.counters.failed += 1 }
            let text = String(describing: error)
            let decision: RetryPolicy.Decision = error is NonRetryableError ? .deadLetter : current.retry.decide(attempt: task.attempt)
            switch decision {
            case .retry(let delay):
                var next = task
                next.attempt += 1
                let due = clock.nowMilliseconds() + milliseconds(delay)
                var args: [any RedisArgumentConvertible] = [configuration.group, configuration.consumer, id, due, next.id]
                args.append(contentsOf: WireFormat.fields(of: next) as [any RedisArgumentConvertible])
                let scriptKeys = [entry.key.stream, keys.scheduled, keys.scheduledTask(next.id)]
                let accepted = await reliably("retry") { () async throws(RedisError) -> Bool in
                    try await self.redis.run(QueueScripts.retry, keys: scriptKeys, arguments: args).int == 1
                }
                finished(.retried)
                if accepted == true {
                    state.withLock { $0.counters.retried += 1 }
                    logger.debug("Scheduled retry", metadata: ["taskID": "\(task.id)", "attempt": "\(next.attempt)",
                                                              "delayMs": "\(milliseconds(delay))", "error": "\(text)"])
                } else if accepted == false {
                    logFenced(task, step: "retry")
                }
            case .deadLetter:
                logger.warning("Moved failed task to the dead-letter queue", metadata: [
                    "taskID": "\(task.id)", "type": "\(task.type)", "attempts": "\(task.attempt + 1)", "error": "\(text)",
                ])
                await deadLetter(entry.key, fields: WireFormat.fields(of: task), reason: error is NonRetryableError ? "non_retryable" : "failed",
                                 error: text, attempts: task.attempt + 1)
                finished(.deadLettered)
            }
        }
        return false
    }

    /// Runs a handler with a deadline: at the deadline ``deadlineLoop()`` cancels the handler's
    /// task and the attempt fails with ``TaskTimeoutError`` (once the handler has returned).
    /// One shared watchdog instead of a timer per task: a timer per task costs more than a no-op handler.
    private func run(_ handler: @escaping TaskHandler, _ task: BuraqTask, timeout: Duration, token: Int) async throws {
        let run = Task { try await handler(task) }
        let deadline = ContinuousClock.now + timeout
        state.withLock { $0.inFlight.arm(token, handler: run, deadline: deadline) }
        func timedOut() -> Bool { state.withLock { $0.inFlight.disarm(token) } }
        do {
            try await withTaskCancellationHandler { try await run.value } onCancel: { run.cancel() }
        } catch {
            if timedOut() { throw TaskTimeoutError(taskID: task.id, timeout: timeout) }
            throw error
        }
        if timedOut() { throw TaskTimeoutError(taskID: task.id, timeout: timeout) }
    }

    /// Cancels handlers past their deadline. Checks every 1/20 of the task timeout (1–50 ms), so
    /// a timeout fires at most that much late; runs until the worker stopped and no handler runs.
    private func deadlineLoop() async {
        while !Task.isCancelled && !(isStopping && slots.inUse == 0) {
            let timeout = settings.taskTimeout ?? .seconds(1)
            try? await Task.sleep(for: min(max(timeout / 20, .milliseconds(1)), .milliseconds(50)))
            let now = ContinuousClock.now
            let expired = state.withLock { $0.inFlight.expire(now: now) }
            for handler in expired { handler.cancel() }
        }
    }

    private func deadLetter(_ key: EntryKey, fields: [[UInt8]], reason: String, error: String, attempts: Int) async {
        var args: [any RedisArgumentConvertible] = [configuration.group, configuration.consumer, key.id, settings.deadLetterMaxLength]
        args.append(contentsOf: fields as [any RedisArgumentConvertible])
        args.append(contentsOf: [
            "error", error, "reason", reason, "attempts", attempts, "failed_at", clock.nowMilliseconds(),
            "worker", configuration.consumer, "original_id", key.id,
        ] as [any RedisArgumentConvertible])
        let accepted = await reliably("deadLetter") { () async throws(RedisError) -> Bool in
            try await self.redis.run(QueueScripts.deadLetter, keys: [key.stream, self.keys.deadLetter], arguments: args).int == 1
        }
        if accepted == true {
            state.withLock { $0.counters.deadLettered += 1 }
        } else if accepted == false {
            logger.warning("Dead-lettering refused: the task was reclaimed by another worker",
                           metadata: ["streamID": "\(key.id)"])
        }
    }

    private func logFenced(_ task: BuraqTask, step: String) {
        logger.warning("Refused to \(step) a task another worker now owns", metadata: ["taskID": "\(task.id)", "streamID": "\(task.streamID ?? "")"])
    }

    /// Runs a Redis step, retrying transient failures with backoff for up to a minute.
    /// Returns nil on giving up (the entry stays pending and is recovered later).
    private func reliably(_ what: String, _ body: () async throws(RedisError) -> Bool) async -> Bool? {
        let backoff = Backoff(initialDelay: .milliseconds(50), maxDelay: .seconds(2))
        let deadline = ContinuousClock.now + .seconds(60)
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch {
                attempt += 1
                if !error.isTransient || ContinuousClock.now > deadline {
                    logger.error("Gave up on Redis step; the entry stays pending", metadata: ["step": "\(what)", "error": "\(error)"])
                    return nil
                }
                try? await Task.sleep(for: backoff.delay(forAttempt: attempt))
            }
        }
    }

    // MARK: - Acks

    private func ackLoop() async {
        let backoff = Backoff(initialDelay: .milliseconds(20), maxDelay: .seconds(2))
        var failures = 0
        while true {
            let batch = await acks.next(max: 2000)
            if batch.isEmpty { return }
            var byStream: [String: [String]] = [:]
            for key in batch { byStream[key.stream, default: []].append(key.id) }
            do {
                var refused: Int64 = 0
                for (stream, ids) in byStream {
                    // Written straight into the encoded command: no array per id.
                    let reply = try await redis.run(QueueScripts.ack, keyCount: 1, argumentCount: 3 + ids.count) { command in
                        command.append(stream)
                        command.append(configuration.group)
                        command.append(configuration.consumer)
                        for id in ids { command.append(id) }
                    }
                    refused += reply.int ?? 0
                }
                if refused > 0 {
                    logger.warning("Acknowledgement refused: tasks were reclaimed by another worker and will run there",
                                   metadata: ["count": "\(refused)"])
                }
                failures = 0
            } catch {
                failures += 1
                acks.putBack(batch)
                if failures == 1 || failures % 20 == 0 {
                    logger.warning("Cannot acknowledge tasks, retrying", metadata: ["count": "\(batch.count)", "error": "\(error)"])
                }
                if stopping.load(ordering: .acquiring) && failures >= 30 {
                    logger.error("Gave up acknowledging at shutdown; these entries stay pending and will run again",
                                 metadata: ["count": "\(acks.count)"])
                    return
                }
                try? await Task.sleep(for: backoff.delay(forAttempt: failures))
            }
        }
    }

    // MARK: - Reclaim and leases

    /// Claims entries other workers left pending past the visibility timeout; quarantines those
    /// delivered `maxDeliveries` times.
    private func reclaimLoop() async {
        while !isStopping {
            let current = settings
            let interval = min(max(current.visibilityTimeout / 4, .milliseconds(200)), .seconds(15))
            await sleepUnlessStopping(interval)
            if isStopping || current.paused { continue }
            for stream in keys.streams(priorities: current.priorities) {
                await reclaim(stream, current)
            }
        }
    }

    private func reclaim(_ stream: String, _ current: WorkerSettings) async {
        let room = slots.free - state.withLock { $0.reclaimed.count }
        guard room > 0 else { return }
        let visMs = current.visibilityMilliseconds
        do {
            let pending = try await redis.send(RedisCommand("XPENDING", stream, configuration.group, "IDLE", visMs, "-", "+", min(room, 100)))
            var claim: [String] = []
            var delivered: [String: Int64] = [:]
            for item in pending.array ?? [] {
                guard let p = item.array, p.count >= 4, let id = p[0].string, let owner = p[1].string,
                      let deliveries = p[3].int else { continue }
                let key = EntryKey(stream: stream, id: id)
                if owner == configuration.consumer && isBusy(key) { continue }
                if current.maxDeliveries > 0 && deliveries >= Int64(current.maxDeliveries) {
                    await quarantine(stream: stream, id: id, deliveries: deliveries, minIdle: visMs, owner: owner, current)
                    continue
                }
                claim.append(id)
                delivered[id] = deliveries
            }
            guard !claim.isEmpty else { return }
            var command = RedisCommand("XCLAIM", stream, configuration.group, configuration.consumer, visMs)
            for id in claim { command.append(argument: id) }
            let claimed = try await redis.send(command)
            var entries: [Fetched] = []
            for item in claimed.array ?? [] {
                guard let parts = item.array, parts.count == 2, let id = parts[0].string else { continue }
                entries.append(Fetched(key: EntryKey(stream: stream, id: id), fields: parts[1].array ?? [], reclaimed: true,
                                       isolated: (delivered[id] ?? 0) >= 2))
            }
            if !entries.isEmpty {
                logger.info("Reclaimed tasks left pending by another worker", metadata: [
                    "count": "\(entries.count)", "visibilityTimeoutMs": "\(visMs)", "stream": "\(stream)"])
                state.withLock { $0.reclaimed.append(contentsOf: entries) }
                slots.wake()
            }
        } catch {
            if error.prefix != "NOGROUP" { logFetchError(error) }
        }
    }

    private func quarantine(stream: String, id: String, deliveries: Int64, minIdle: Int64, owner: String, _ current: WorkerSettings) async {
        do {
            let done = try await redis.run(QueueScripts.quarantine, keys: [stream, keys.deadLetter], arguments: [
                configuration.group, configuration.consumer, minIdle, id, current.deadLetterMaxLength,
                "error", "Delivered \(deliveries) times without finishing: the task keeps crashing or stalling its workers",
                "reason", "quarantined", "attempts", deliveries, "failed_at", clock.nowMilliseconds(),
                "worker", configuration.consumer, "original_id", id,
            ])
            if done.int == 1 {
                state.withLock { $0.counters.deadLettered += 1 }
                observer.taskFinished(queue: configuration.queue, type: "", durationSeconds: 0, outcome: .deadLettered)
                logger.warning("Quarantined a task that keeps crashing workers", metadata: [
                    "streamID": "\(id)", "deliveries": "\(deliveries)", "lastOwner": "\(owner)"])
            }
        } catch {
            logFetchError(error)
        }
    }

    /// Extends the lease of long-running handlers so they are not reclaimed while alive.
    private func leaseLoop() async {
        while !isStopping {
            let current = settings
            let third = max(current.visibilityTimeout / 3, .milliseconds(100))
            await sleepUnlessStopping(third)
            let cutoff = ContinuousClock.now - third
            let old = state.withLock { s in s.inFlight.keys(startedBefore: cutoff) }
            guard !old.isEmpty else { continue }
            var byStream: [String: [String]] = [:]
            for key in old { byStream[key.stream, default: []].append(key.id) }
            for (stream, ids) in byStream {
                _ = try? await redis.run(QueueScripts.extend, keys: [stream],
                                         arguments: [configuration.group, configuration.consumer] + ids.map { $0 as any RedisArgumentConvertible })
            }
        }
    }

    // MARK: - Config, promotion, heartbeats, shutdown

    private func configLoop() async {
        while !isStopping {
            await sleepUnlessStopping(configuration.configRefreshInterval)
            if isStopping { break }
            await refreshConfig()
        }
    }

    private func refreshConfig() async {
        let setup: QueueSetup
        do { setup = try QueueSetup(redis: redis, queue: configuration.queue, group: configuration.group) } catch { return }
        do {
            let base = WorkerSettings(configuration)
            var next = base
            if let hash = try await setup.readHash() {
                next = base.applying(try QueueSettings(hash: hash), present: Set(hash.keys))
            }
            let previous = state.withLock { s -> WorkerSettings in
                let p = s.settings
                s.settings = next
                s.lastConfigProblem = nil
                return p
            }
            if next != previous {
                logger.info("Applied queue config", metadata: [
                    "paused": "\(next.paused)", "maxRetries": "\(next.retry.maxRetries)",
                    "visibilityTimeoutMs": "\(next.visibilityMilliseconds)",
                    "taskTimeoutMs": "\(next.taskTimeout.map { milliseconds($0) } ?? 0)",
                    "priorities": "\(next.priorities.joined(separator: ","))", "rateLimitPerSecond": "\(next.rateLimitPerSecond)",
                    "maxInFlight": "\(next.maxInFlight)", "maxDeliveries": "\(next.maxDeliveries)",
                ])
                if next.priorities != previous.priorities { state.withLock { $0.needsPendingRecovery = true } }
                if next.paused != previous.paused { slots.wake() }
            }
        } catch {
            if error.code == .invalidArgument {
                let isNew = state.withLock { s -> Bool in
                    defer { s.lastConfigProblem = error.message }
                    return s.lastConfigProblem != error.message
                }
                if isNew {
                    logger.error("Ignoring invalid queue config; keeping the previous settings",
                                 metadata: ["key": "\(keys.config)", "error": "\(error.message)"])
                }
            }
        }
    }

    private func promoteLoop() async {
        while !isStopping {
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
            await sleepUnlessStopping(configuration.promoteInterval)
        }
    }

    /// Sleeps in short steps so a stop is noticed within 50 ms.
    private func sleepUnlessStopping(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !isStopping && ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
        }
    }

    private func heartbeatLoop() async {
        let interval = configuration.heartbeatInterval
        let ttl = 3 * milliseconds(interval)
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(getpid())
        while !isStopping {
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

/// The error a timed-out attempt fails with (it counts as a failure and is retried).
public struct TaskTimeoutError: Error, Sendable, CustomStringConvertible {
    public var taskID: String
    public var timeout: Duration
    public var description: String { "Task \(taskID) timed out after \(milliseconds(timeout)) ms" }
}

func milliseconds(_ d: Duration) -> Int64 {
    d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
}
