import BuraqBase
import BuraqQueue
import BuraqRedis
import BuraqScaling
import FoundationEssentials
import Glibc
import Logging
import Synchronization

/// Measures the controller against a real Redis: how fast a burst's first task becomes a scale
/// write, and what polling many TaskQueues costs in CPU and memory. The scale target is in
/// memory (recording write times), so the figures are the controller's own.
public struct ControllerBenchmark: Sendable {
    /// The Redis to use (a private one: the benchmark writes `bench-*` queues).
    public var redisURL: String
    /// Runs of the reaction measurement.
    public var reactionRuns: Int = 10
    /// TaskQueues polled in the load measurement.
    public var taskQueues: Int = 1000
    /// How long the load is measured (after a warm-up of one interval).
    public var loadDuration: Duration = .seconds(30)
    /// Where progress goes.
    public var logger: Logger
    /// Reads queue figures from memory instead of Redis (to separate the controller's own cost).
    public var inMemoryQueues = false
    /// The controller's limit on polls running at once.
    public var maxConcurrentPolls = ControllerService.defaultMaxConcurrentPolls

    /// Creates a benchmark.
    public init(redisURL: String, logger: Logger) {
        self.redisURL = redisURL
        self.logger = logger
    }

    /// Reaction times, in milliseconds, sorted.
    public struct Reaction: Sendable {
        /// One figure per run.
        public var milliseconds: [Int64]
    }

    /// What polling `taskQueues` cost.
    public struct Load: Sendable {
        /// TaskQueues.
        public var taskQueues: Int
        /// Wall time measured.
        public var wall: Duration
        /// CPU time used by this process in that time.
        public var cpu: Duration
        /// Polls done in that time.
        public var polls: Int
        /// Resident memory at the end.
        public var residentBytes: Int
        /// Peak resident memory.
        public var peakResidentBytes: Int
        /// CPU as a share of one core.
        public var coreShare: Double {
            cpu.seconds == 0 ? 0 : cpu.seconds / wall.seconds
        }
    }

    /// Counts polls (the observer sees one report per poll).
    final class PollCounter: ControllerObserver {
        let count = Atomic<Int>(0)
        func observe(_ report: PollReport) { count.add(1, ordering: .relaxed) }
        func forget(_ key: TaskQueueKey, queue: String) {}
    }

    /// A scale target that notes when each TaskQueue was first scaled up.
    final class TimedScaleTarget: ScaleTarget {
        let inner = InMemoryScaleTarget()
        let firstWrite = Mutex<[TaskQueueKey: ContinuousClock.Instant]>([:])
        func scale(of target: QueueTarget) async -> Result<ScaleState, ControllerError> { await inner.scale(of: target) }
        func setReplicas(_ replicas: Int32, for target: QueueTarget, from current: ScaleState, idleWorkers: [String]) async
            -> Result<Void, ControllerError>
        {
            let now = ContinuousClock.now
            firstWrite.withLock { if $0[target.key] == nil { $0[target.key] = now } }
            return await inner.setReplicas(replicas, for: target, from: current, idleWorkers: idleWorkers)
        }
    }

    static func target(_ name: String) -> QueueTarget {
        QueueTarget(
            key: TaskQueueKey(namespace: "bench", name: name), queue: name,
            scaling: ScalingSpec(targetPerReplica: 100, maxReplicas: 10), scaleTargetName: "\(name)-workers")
    }

    /// Time from enqueueing the first task of a burst (to an empty, idle queue at zero replicas)
    /// to the scale write, at the default 1 s interval. Each run uses a new queue and starts at a
    /// random phase of the polling interval.
    public func measureReaction() async throws -> Reaction {
        let redis = try RedisClient(url: redisURL, poolSize: 1)
        defer { redis.close() }
        let clients = RedisClients(logger: logger)
        defer { clients.closeAll() }
        var results: [Int64] = []
        let run = UUID().uuidString.prefix(6)
        for index in 0..<reactionRuns {
            let target = Self.target("bench-react-\(run)-\(index)")
            let scale = TimedScaleTarget()
            let environment = ControllerEnvironment(
                metrics: RedisQueueMetricsSource(clients: clients, defaultURL: redisURL), scaleTarget: scale,
                status: LoggingStatusSink(logger: logger), logger: logger)
            let service = ControllerService(source: StaticTaskQueueSource(targets: [target]), environment: environment)
            let producer = try Producer(redis: redis, queue: target.queue)
            let measured: Int64? = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                // Let the loop poll the empty queue a few times, then enqueue at a random phase.
                try await Task.sleep(for: .milliseconds(2000 + Int.random(in: 0..<1000)))
                let sent = ContinuousClock.now
                _ = try await producer.enqueue(type: "noop")
                var written: ContinuousClock.Instant?
                let deadline = sent + .seconds(10)
                while written == nil, ContinuousClock.now < deadline {
                    written = scale.firstWrite.withLock { $0[target.key] }
                    if written == nil { try await Task.sleep(for: .milliseconds(5)) }
                }
                group.cancelAll()
                guard let written else { return nil }
                let elapsed = written - sent
                return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            }
            guard let measured else {
                throw ControllerError(code: .failedRescale, message: "No scale write within 10 s of the first task (run \(index))")
            }
            logger.info("Reaction run", metadata: ["run": "\(index)", "milliseconds": "\(measured)"])
            results.append(measured)
        }
        return Reaction(milliseconds: results.sorted())
    }

    /// CPU and memory while polling `taskQueues` queues on one Redis every second: a third of them
    /// hold a backlog (so decisions and scale writes happen), the rest are empty.
    public func measureLoad() async throws -> Load {
        let clients = RedisClients(logger: logger)
        defer { clients.closeAll() }
        let counter = PollCounter()
        let service = try await loadService(clients: clients, counter: counter)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            try await Task.sleep(for: .seconds(3))
            let startPolls = counter.count.load(ordering: .relaxed)
            let startUsage = ProcessUsage.now()
            let started = ContinuousClock.now
            try await Task.sleep(for: loadDuration)
            let wall = ContinuousClock.now - started
            let endUsage = ProcessUsage.now()
            let polls = counter.count.load(ordering: .relaxed) - startPolls
            group.cancelAll()
            return Load(
                taskQueues: taskQueues, wall: wall, cpu: endUsage.cpu - startUsage.cpu, polls: polls,
                residentBytes: endUsage.residentBytes, peakResidentBytes: endUsage.peakResidentBytes)
        }
    }

    /// The controller of the load measurement, its queues filled. The list of targets is dropped
    /// once the service has them, so the figures count the controller's memory, not the bench's.
    private func loadService(clients: RedisClients, counter: PollCounter) async throws -> ControllerService {
        let run = UUID().uuidString.prefix(6)
        let targets = (0..<taskQueues).map { Self.target("bench-load-\(run)-\($0)") }
        if !inMemoryQueues {
            let redis = try RedisClient(url: redisURL, poolSize: 1)
            for (index, target) in targets.enumerated() where index % 3 == 0 {
                let producer = try Producer(redis: redis, queue: target.queue)
                _ = try await producer.enqueue((0..<(50 + index % 700)).map { _ in TaskRequest(type: "noop") })
            }
            redis.close()
        }
        let memory = InMemoryQueueMetricsSource()
        for (index, target) in targets.enumerated() where index % 3 == 0 {
            memory.set(QueueStats(length: Int64(50 + index % 700), lag: Int64(50 + index % 700)), for: target.queue)
        }
        let source: any QueueMetricsSource =
            inMemoryQueues ? memory : RedisQueueMetricsSource(clients: clients, defaultURL: redisURL)
        let environment = ControllerEnvironment(
            metrics: source, scaleTarget: InMemoryScaleTarget(), status: LoggingStatusSink(logger: logger),
            observer: counter, logger: logger)
        return ControllerService(
            source: StaticTaskQueueSource(targets: targets), environment: environment, maxConcurrentPolls: maxConcurrentPolls)
    }
}
