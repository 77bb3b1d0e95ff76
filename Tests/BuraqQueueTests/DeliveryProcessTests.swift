import BuraqBase
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Crash recovery, fencing and quarantine with real `buraq-worker` processes.
@Suite(.redisServer, .serialized) struct DeliveryProcessTests {
    var server: RedisServer { RedisServer.current! }

    func client() throws -> RedisClient { RedisClient(configuration: try RedisConfiguration(url: server.url)) }


    func worker(_ queue: String, _ name: String, concurrency: Int = 10) throws -> ChildProcess {
        try ChildProcess(executable: try BuiltProduct.path("buraq-worker"),
                         arguments: ["--redis-url", server.url, "--queue", queue, "--consumer", name, "--concurrency", "\(concurrency)"],
                         outputPath: server.directory.appendingPathComponent("\(queue)-\(name)-\(UUID().uuidString.prefix(4)).log").path)
    }

    func configure(_ redis: RedisClient, _ queue: String, _ settings: QueueSettings) async throws {
        try await QueueSetup(redis: redis, queue: queue).prepare(settings: settings)
    }


    @Test func sigkilledWorkersTasksCompleteElsewhereWithinTheVisibilityTimeout() async throws {
        let queue = uniqueQueue("kill")
        let redis = try client()
        defer { redis.close() }
        try await configure(redis, queue, QueueSettings(visibilityTimeoutSeconds: 2, taskTimeoutSeconds: 1))
        let ids = try await Producer(redis: redis, queue: queue).enqueue((0..<150).map { _ in TaskRequest(type: "record", text: "100") })
        let a = try worker(queue, "victim")
        defer { a.kill9() }
        #expect(try await eventually(.seconds(20)) { try await recordedRuns(redis, queue).count >= 20 })
        a.kill9()
        let killedAt = ContinuousClock.now
        let orphaned = try await QueueInspector(redis: redis, queue: queue).stats().pending
        #expect(orphaned > 0, "the killed worker should leave tasks pending")
        let b = try worker(queue, "rescuer")
        defer { b.kill9() }
        #expect(try await eventually(.seconds(30)) { try await recordedRuns(redis, queue).count == ids.count })
        let elapsed = ContinuousClock.now - killedAt
        b.signal(SIGTERM)
        #expect(try await b.wait(timeout: .seconds(20)) == 0)
        let final = try await recordedRuns(redis, queue)
        #expect(Set(final.keys) == Set(ids), "lost \(Set(ids).subtracting(final.keys).count) tasks")
        // 150 tasks of 100 ms at concurrency 10 take ~1.5 s; the orphans wait at most ~2 s (+ a reclaim tick).
        #expect(elapsed < .seconds(12), "re-run took \(elapsed)")
        #expect(b.output.contains("Reclaimed tasks left pending by another worker"))
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.pending == 0 && stats.deadLetters == 0)
    }

    @Test func staleWorkersAckIsRefusedAfterReclaimAndTheTaskCompletesOnceMore() async throws {
        let queue = uniqueQueue("fence")
        let redis = try client()
        defer { redis.close() }
        try await configure(redis, queue, QueueSettings(visibilityTimeoutSeconds: 1, taskTimeoutSeconds: 0))
        let id = try await Producer(redis: redis, queue: queue).enqueue(TaskRequest(type: "record", text: "1500"))
        let stale = try worker(queue, "stale")
        defer { stale.signal(SIGCONT); stale.kill9() }
        let inspector = try QueueInspector(redis: redis, queue: queue)
        #expect(try await eventually(.seconds(10)) { try await inspector.stats().pending == 1 })
        stale.signal(SIGSTOP)  // a paused or partitioned worker: no lease extension, no ack
        let fresh = try worker(queue, "fresh")
        defer { fresh.kill9() }
        #expect(try await eventually(.seconds(15)) { try await recordedRuns(redis, queue)[id] == 1 })
        #expect(try await eventually(.seconds(5)) { try await inspector.stats().pending == 0 })
        stale.signal(SIGCONT)
        #expect(try await eventually(.seconds(10)) { stale.output.contains("Acknowledgement refused") })
        stale.signal(SIGTERM)
        fresh.signal(SIGTERM)
        #expect(try await stale.wait(timeout: .seconds(20)) == 0)
        #expect(try await fresh.wait(timeout: .seconds(20)) == 0)
        let stats = try await inspector.stats()
        #expect(stats.pending == 0 && stats.deadLetters == 0 && stats.length == 0)
        #expect(fresh.output.contains("Reclaimed tasks"))
    }

    @Test func poisonTaskIsQuarantinedAndOtherTasksFlow() async throws {
        let queue = uniqueQueue("poison")
        let redis = try client()
        defer { redis.close() }
        var settings = QueueSettings(visibilityTimeoutSeconds: 1, taskTimeoutSeconds: 0)
        settings.maxDeliveries = 3
        try await configure(redis, queue, settings)
        let producer = try Producer(redis: redis, queue: queue)
        try await producer.enqueue(TaskRequest(type: "crash", id: "poison-1"))
        let good = try await producer.enqueue((0..<30).map { _ in TaskRequest(type: "record", text: "20") })
        // A crash-looping pod: the same consumer name restarted each time it dies.
        var restarts = 0
        var last: ChildProcess?
        for _ in 0..<8 {
            let w = try worker(queue, "looping", concurrency: 4)
            last = w
            let code = try await w.wait(timeout: .seconds(6))
            if code == nil { break }  // still running: the poison pill is gone
            #expect(code == 3)
            restarts += 1
        }
        let survivor = try #require(last)
        defer { survivor.kill9() }
        #expect(restarts >= 1 && restarts <= 3, "restarts: \(restarts)")
        #expect(try await eventually(.seconds(20)) { try await recordedRuns(redis, queue).count == good.count })
        let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
        #expect(dlq.count == 1)
        #expect(dlq.first?["id"] == "poison-1")
        #expect(dlq.first?["reason"] == "quarantined")
        #expect(dlq.first?["error"]?.contains("Delivered 3 times") == true)
        survivor.signal(SIGTERM)
        #expect(try await survivor.wait(timeout: .seconds(20)) == 0)
    }

    @Test func rateLimitHoldsAcrossFourWorkerProcesses() async throws {
        let queue = uniqueQueue("rate")
        let redis = try client()
        defer { redis.close() }
        var settings = QueueSettings()
        settings.rateLimitPerSecond = 100
        try await configure(redis, queue, settings)
        try await Producer(redis: redis, queue: queue).enqueue((0..<400).map { _ in TaskRequest(type: "record") })
        let workers = try (0..<4).map { try worker(queue, "rate-\($0)", concurrency: 20) }
        defer { workers.forEach { $0.kill9() } }
        // Measure between the 50th and the 400th completion, away from start-up and the initial burst.
        #expect(try await eventually(.seconds(30)) { try await recordedRuns(redis, queue).count >= 50 })
        let from = ContinuousClock.now
        #expect(try await eventually(.seconds(30)) { try await recordedRuns(redis, queue).count >= 400 })
        let seconds = (ContinuousClock.now - from).seconds
        let rate = 350 / seconds
        #expect(rate <= 105 && rate >= 60, "observed \(rate) tasks/s against a limit of 100")
        for w in workers { w.signal(SIGTERM) }
        for w in workers { #expect(try await w.wait(timeout: .seconds(20)) == 0) }
    }
}
