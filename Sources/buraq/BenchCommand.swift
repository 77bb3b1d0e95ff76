import ArgumentParser
import BuraqBase
import BuraqQueue
import BuraqRedis
import Foundation
import Histogram
import Logging
import Synchronization

/// `buraq bench`: enqueue throughput (batched), processing throughput of a pre-filled queue by one
/// in-process worker, and enqueue→start latency at a fixed rate. Use a release build against a
/// Redis you started (hack/bench.sh does both).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure enqueue throughput, processing throughput and enqueue-to-start latency.",
        discussion: "It deletes the bench queue's keys before and after. Run a release build: swift run -c release buraq bench")

    @Option(name: .customLong("redis-url"), help: "Redis URL. Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Queue used by the benchmark (its keys are deleted).")
    var queue: String = "bench"

    @Option(help: "Tasks for the throughput phases.")
    var tasks: Int = 500_000

    @Option(help: "Tasks per pipelined enqueue round trip.")
    var batch: Int = 1000

    @Option(help: "Concurrent enqueue pipelines (connections).")
    var producers: Int = 2

    @Option(help: "Worker concurrency for the processing phase.")
    var concurrency: Int = 1000

    @Option(help: "Tasks per second in the latency phase.")
    var rate: Int = 2000

    @Option(help: "Seconds the latency phase lasts.")
    var seconds: Int = 10

    @Option(help: "Phases to run, comma-separated: enqueue,process,latency.")
    var phases: String = "enqueue,process,latency"

    func run() async throws {
        LineLogHandler.bootstrap(level: .warning)
        do {
            let config = try RedisConfiguration(url: redisURL)
            let redis = RedisClient(configuration: config, poolSize: max(1, producers), name: "bench")
            defer { redis.close() }
            let keys = try QueueKeys(queue: queue)
            try await clean(redis, keys)
            let selected = Set(phases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            print("buraq bench: redis \(config.displayAddress), queue \(queue), \(ProcessInfo.processInfo.activeProcessorCount) cores")
            if selected.contains("enqueue") || selected.contains("process") {
                let enqueueRate = try await enqueuePhase(redis)
                print(String(format: "enqueue    %9d tasks in batches of %d over %d connections: %10.0f tasks/s", tasks, batch, producers, enqueueRate))
                if selected.contains("process") {
                    let processRate = try await processPhase(config)
                    print(String(format: "process    %9d no-op tasks, 1 worker, concurrency %d:       %10.0f tasks/s", tasks, concurrency, processRate))
                }
                try await clean(redis, keys)
            }
            if selected.contains("latency") {
                let h = try await latencyPhase(config, redis)
                func ms(_ p: Double) -> String { String(format: "%.3f", Double(h.valueAtPercentile(p)) / 1e6) }
                print("latency    \(h.totalCount) tasks at \(rate)/s for \(seconds) s, enqueue→handler start: p50 \(ms(50)) ms, p90 \(ms(90)) ms, p99 \(ms(99)) ms, p99.9 \(ms(99.9)) ms, max \(String(format: "%.3f", Double(h.max) / 1e6)) ms")
                try await clean(redis, keys)
            }
        } catch {
            throw CLIExit.report(error)
        }
    }

    private func clean(_ redis: RedisClient, _ keys: QueueKeys) async throws {
        try await redis.send(RedisCommand("DEL", keys.stream, keys.scheduled, keys.deadLetter))
    }

    private func enqueuePhase(_ redis: RedisClient) async throws -> Double {
        let producer = try Producer(redis: redis, queue: queue)
        let per = tasks / producers
        let template = TaskRequest(type: "noop", payload: Array("x".utf8))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in 0..<producers {
                let mine = p == producers - 1 ? tasks - per * (producers - 1) : per
                group.addTask {
                    var sent = 0
                    while sent < mine {
                        let n = min(batch, mine - sent)
                        try await producer.enqueue([TaskRequest](repeating: template, count: n))
                        sent += n
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(tasks) / (ContinuousClock.now - started).seconds
    }

    private func processPhase(_ config: RedisConfiguration) async throws -> Double {
        let done = Counter()
        let total = tasks
        var registry = HandlerRegistry()
        registry.register("noop") { _ in done.increment() }
        let worker = try Worker(redis: config, configuration: WorkerConfiguration(
            queue: queue, consumer: "bench-worker", concurrency: concurrency, batchSize: 1000, blockTimeout: .milliseconds(100)),
            handlers: registry)
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Double.self) { group in
            group.addTask { try await worker.run(); return 0 }
            group.addTask {
                while done.value < total { try await Task.sleep(for: .milliseconds(2)) }
                let rate = Double(total) / (ContinuousClock.now - started).seconds
                worker.stop()
                return rate
            }
            var rate = 0.0
            for try await r in group where r > 0 { rate = r }
            return rate
        }
    }

    private func latencyPhase(_ config: RedisConfiguration, _ redis: RedisClient) async throws -> Histogram<UInt64> {
        let histogram = LatencyRecorder()
        let origin = ContinuousClock.now
        var registry = HandlerRegistry()
        registry.register("stamp") { task in
            let now = UInt64((ContinuousClock.now - origin).nanoseconds)
            let sent = task.payload.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            histogram.record(now &- sent)
        }
        let worker = try Worker(redis: config, configuration: WorkerConfiguration(
            queue: queue, consumer: "bench-latency", concurrency: 64, blockTimeout: .milliseconds(500)), handlers: registry)
        let producer = try Producer(redis: redis, queue: queue)
        let count = rate * seconds
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(rate))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            try await Task.sleep(for: .milliseconds(300))  // let the worker create its group and block
            let start = ContinuousClock.now
            for i in 0..<count {
                let due = start + interval * i
                let now = ContinuousClock.now
                if due > now { try await Task.sleep(until: due, tolerance: .microseconds(50)) }
                var stamp = UInt64((ContinuousClock.now - origin).nanoseconds)
                let payload = withUnsafeBytes(of: &stamp) { Array($0) }
                try await producer.enqueue(TaskRequest(type: "stamp", payload: payload))
            }
            while histogram.count < UInt64(count) { try await Task.sleep(for: .milliseconds(5)) }
            worker.stop()
            try await group.waitForAll()
        }
        return histogram.snapshot
    }
}

/// A histogram of nanosecond latencies shared by handler tasks.
final class LatencyRecorder: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three))
    func record(_ nanoseconds: UInt64) { histogram.withLock { _ = $0.record(nanoseconds) } }
    var count: UInt64 { histogram.withLock { $0.totalCount } }
    var snapshot: Histogram<UInt64> { histogram.withLock { $0 } }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// A counter shared by handler tasks.
final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() { atomic.add(1, ordering: .relaxed) }
    var value: Int { atomic.load(ordering: .relaxed) }
}
