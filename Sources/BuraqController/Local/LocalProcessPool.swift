import FoundationEssentials
import Glibc
import Logging

/// Local mode's scale target: one pool of `buraq-worker` processes per TaskQueue.
///
/// Scale-up spawns workers. Scale-down sends SIGTERM to idle workers first (those whose heartbeat
/// says nothing is in flight; worker id = consumer name), then the newest; they drain (finish
/// in-flight tasks, acknowledge, exit 0) while the pool counts only the others. A worker that
/// exits without being asked to is a crash: it is counted, reported as `WorkersCrashing` and
/// replaced after a delay that doubles per consecutive crash. Nothing here blocks a thread:
/// children are reaped with `waitpid(WNOHANG)` on every poll.
public actor LocalProcessPool: ScaleTarget {
    struct Member {
        let id: String
        let process: SpawnedProcess
        let startedAt: ContinuousClock.Instant
        var stopSentAt: ContinuousClock.Instant?
        var killed = false
    }

    struct Pool {
        var target: QueueTarget
        var desired: Int32 = 0
        var members: [Member] = []
        var nextIndex = 1
        var crashes: [ContinuousClock.Instant] = []
        var consecutiveCrashes = 0
        var restartNotBefore: ContinuousClock.Instant?
        var lastCrash: String?
        var live: [Member] { members.filter { $0.stopSentAt == nil } }
    }

    /// Counters for metrics and tests.
    public struct Counts: Sendable, Equatable {
        /// Workers started.
        public var started = 0
        /// Workers that exited without being asked to.
        public var crashed = 0
        /// Workers that exited after SIGTERM.
        public var drained = 0
        /// Workers killed after not draining within `drainTimeout`.
        public var killed = 0
    }

    private let configuration: LocalProcessPoolConfiguration
    private let logger: Logger
    private let clock = ContinuousClock()
    private var pools: [TaskQueueKey: Pool] = [:]
    private var counts: [TaskQueueKey: Counts] = [:]

    /// Creates an empty pool; the log directory is created if missing.
    public init(configuration: LocalProcessPoolConfiguration, logger: Logger = Logger(label: "buraq.controller.local")) {
        self.configuration = configuration
        self.logger = logger
        try? FileManager.default.createDirectory(atPath: configuration.logDirectory, withIntermediateDirectories: true)
    }

    /// Counters of one TaskQueue's pool.
    public func counts(of key: TaskQueueKey) -> Counts { counts[key] ?? Counts() }

    /// PIDs of the running (not draining) workers of a TaskQueue.
    public func pids(of key: TaskQueueKey) -> [Int32] {
        pools[key]?.live.map(\.process.pid) ?? []
    }

    /// Workers of every pool, draining ones included.
    public var processCount: Int { pools.values.reduce(0) { $0 + $1.members.count } }

    public func scale(of target: QueueTarget) async -> Result<ScaleState, ControllerError> {
        var pool = pools[target.key] ?? Pool(target: target)
        pool.target = target
        tend(&pool)
        pools[target.key] = pool
        return .success(ScaleState(replicas: pool.desired, statusReplicas: Int32(pool.live.count)))
    }

    public func setReplicas(_ replicas: Int32, for target: QueueTarget, from current: ScaleState, idleWorkers: [String]) async
        -> Result<Void, ControllerError>
    {
        var pool = pools[target.key] ?? Pool(target: target)
        pool.target = target
        pool.desired = replicas
        defer { pools[target.key] = pool }
        let live = pool.live
        if live.count > Int(replicas) {
            let idle = Set(idleWorkers)
            // Idle workers first, then the newest: the oldest are the warmest.
            let victims = live.sorted { a, b in
                let (ai, bi) = (idle.contains(a.id), idle.contains(b.id))
                return ai != bi ? ai : a.startedAt > b.startedAt
            }.prefix(live.count - Int(replicas))
            let now = clock.now
            for victim in victims {
                victim.process.send(SIGTERM)
                if let index = pool.members.firstIndex(where: { $0.id == victim.id }) { pool.members[index].stopSentAt = now }
                logger.info(
                    "Draining worker",
                    metadata: [
                        "taskQueue": "\(target.key)", "worker": "\(victim.id)", "pid": "\(victim.process.pid)",
                        "idle": "\(idle.contains(victim.id))", "replicas": "\(replicas)",
                    ])
            }
            return .success(())
        }
        do {
            try spawn(Int(replicas) - live.count, into: &pool)
            return .success(())
        } catch {
            return .failure(ControllerError(code: .failedRescale, message: error.message, context: error.context))
        }
    }

    public func problems(of target: QueueTarget) async -> [ControllerError] {
        guard let pool = pools[target.key] else { return [] }
        let since = clock.now - configuration.crashWindow
        let recent = pool.crashes.filter { $0 > since }.count
        guard recent > 0 else { return [] }
        let seconds = configuration.crashWindow.components.seconds
        let delay = pool.restartNotBefore.map { max($0 - clock.now, .zero) } ?? .zero
        return [
            ControllerError(
                code: .workersCrashing,
                message: "\(recent) worker \(recent == 1 ? "process" : "processes") of queue '\(target.queue)' exited unexpectedly in the last \(seconds)s (\(pool.lastCrash ?? "")); restarting in \(Reconciler.seconds(delay))",
                context: ["logDirectory": configuration.logDirectory])
        ]
    }

    public func forget(_ key: TaskQueueKey) async {
        guard var pool = pools[key] else { return }
        pool.desired = 0
        stopAll(&pool)
        pools[key] = pool
        await drain { $0 == key }
        pools[key] = nil
    }

    public func shutdown() async {
        for key in pools.keys {
            var pool = pools[key]!
            pool.desired = 0
            stopAll(&pool)
            pools[key] = pool
        }
        logger.info("Draining workers", metadata: ["workers": "\(processCount)"])
        await drain { _ in true }
        let total = counts.values.reduce(Counts()) {
            Counts(started: $0.started + $1.started, crashed: $0.crashed + $1.crashed,
                   drained: $0.drained + $1.drained, killed: $0.killed + $1.killed)
        }
        logger.info(
            "Stopped all workers",
            metadata: ["started": "\(total.started)", "drained": "\(total.drained)", "crashed": "\(total.crashed)", "killed": "\(total.killed)"])
    }

    // MARK: Internals

    /// Reaps exited workers, kills those that would not drain, replaces crashed ones.
    private func tend(_ pool: inout Pool) {
        let now = clock.now
        let key = pool.target.key
        var remaining: [Member] = []
        for var member in pool.members {
            guard let code = member.process.poll() else {
                if let sent = member.stopSentAt, !member.killed, now - sent > configuration.drainTimeout {
                    member.process.send(SIGKILL)
                    member.killed = true
                    counts[key, default: Counts()].killed += 1
                    logger.warning(
                        "Killed worker that did not drain",
                        metadata: ["taskQueue": "\(key)", "worker": "\(member.id)", "drainTimeout": "\(configuration.drainTimeout)"])
                }
                remaining.append(member)
                continue
            }
            if member.stopSentAt != nil {
                if !member.killed { counts[key, default: Counts()].drained += 1 }
                logger.info("Worker drained", metadata: ["taskQueue": "\(key)", "worker": "\(member.id)", "exitCode": "\(code)"])
            } else {
                counts[key, default: Counts()].crashed += 1
                pool.crashes.append(now)
                pool.consecutiveCrashes += 1
                let exponent = min(pool.consecutiveCrashes - 1, 10)
                let delay = min(configuration.restartDelay * (1 << exponent), configuration.maxRestartDelay)
                pool.restartNotBefore = now + delay
                pool.lastCrash = "last: \(member.id) exit code \(code), output in \(member.process.logPath)"
                logger.warning(
                    "Worker exited unexpectedly",
                    metadata: [
                        "taskQueue": "\(key)", "worker": "\(member.id)", "pid": "\(member.process.pid)",
                        "exitCode": "\(code)", "restartInSeconds": "\(Reconciler.seconds(delay))",
                        "log": "\(member.process.logPath)",
                    ])
            }
        }
        pool.members = remaining
        pool.crashes.removeAll { $0 < now - configuration.crashWindow }
        if pool.crashes.isEmpty { pool.consecutiveCrashes = 0 }
        let missing = Int(pool.desired) - pool.live.count
        if missing > 0, pool.restartNotBefore.map({ now >= $0 }) ?? true {
            do { try spawn(missing, into: &pool) } catch {
                logger.error("Cannot start worker", metadata: ["taskQueue": "\(key)", "error": "\(error)"])
            }
        }
    }

    private func spawn(_ count: Int, into pool: inout Pool) throws(ControllerError) {
        guard count > 0 else { return }
        let target = pool.target
        for _ in 0..<count {
            let id = "\(target.key.name)-\(getpid())-\(pool.nextIndex)"
            pool.nextIndex += 1
            var arguments = [
                "--redis-url", target.redisURL ?? configuration.defaultRedisURL, "--queue", target.queue,
                "--group", target.consumerGroup, "--consumer", id,
            ]
            if let concurrency = configuration.workerConcurrency { arguments += ["--concurrency", "\(concurrency)"] }
            if !target.settings.priorities.isEmpty {
                arguments += ["--priorities", target.settings.priorities.joined(separator: ",")]
            }
            if !configuration.extraArguments.contains(where: { $0.hasPrefix("--metrics-port") }) {
                // Several workers on one machine cannot all listen on :2112; pass --metrics-port
                // through the extra worker arguments to expose one.
                arguments += ["--metrics-port", "0"]
            }
            arguments += configuration.extraArguments
            var environment = ProcessInfo.processInfo.environment
            environment["HOSTNAME"] = id
            // buraq-worker stops gracefully once this process is no longer its parent, so workers
            // do not outlive a controller that was killed (an environment variable, not a flag:
            // a --worker-path program that does not know it is not broken by it).
            environment["BURAQ_PARENT_PID"] = "\(getpid())"
            let process = try SpawnedProcess(
                executable: configuration.workerPath, arguments: arguments, environment: environment,
                logPath: "\(configuration.logDirectory)/\(id).log")
            pool.members.append(Member(id: id, process: process, startedAt: clock.now))
            counts[target.key, default: Counts()].started += 1
            logger.info(
                "Started worker",
                metadata: ["taskQueue": "\(target.key)", "worker": "\(id)", "pid": "\(process.pid)", "replicas": "\(pool.desired)"])
        }
    }

    private func stopAll(_ pool: inout Pool) {
        let now = clock.now
        for index in pool.members.indices where pool.members[index].stopSentAt == nil {
            pool.members[index].process.send(SIGTERM)
            pool.members[index].stopSentAt = now
        }
    }

    /// Waits until every worker of the matching pools has exited, killing stragglers after `drainTimeout`.
    private func drain(_ matches: (TaskQueueKey) -> Bool) async {
        while true {
            var waiting = 0
            for key in pools.keys where matches(key) {
                var pool = pools[key]!
                tend(&pool)
                pools[key] = pool
                waiting += pool.members.count
            }
            if waiting == 0 { return }
            if Task.isCancelled {
                // Shutdown must see its children exit even when cancelled: wait outside the cancelled task.
                await Task.detached { try? await Task.sleep(for: .milliseconds(50)) }.value
            } else {
                try? await clock.sleep(for: .milliseconds(50))
            }
        }
    }
}
