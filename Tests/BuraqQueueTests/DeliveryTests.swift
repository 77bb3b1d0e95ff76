import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Synchronization
import Testing

/// Queue features tested with in-process workers.
@Suite(.redisServer) struct DeliveryTests {
    var server: RedisServer { RedisServer.current! }
    var config: RedisConfiguration { try! RedisConfiguration(url: server.url) }

    @Test func priorityOrderHoldsUnderLoad() async throws {
        let queue = uniqueQueue("prio")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        try await producer.enqueue((0..<200).map { TaskRequest(type: "t", text: "low-\($0)", priority: "low") })
        try await producer.enqueue((0..<200).map { TaskRequest(type: "t", text: "default-\($0)") })
        try await producer.enqueue((0..<200).map { TaskRequest(type: "t", text: "high-\($0)", priority: "high") })
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { log.record($0) }
        var wc = WorkerConfiguration(queue: queue, concurrency: 8)
        wc.priorities = ["high", "default", "low"]
        wc.followQueueConfig = false
        try await withWorker(config, wc, handlers) { _ in
            // More high tasks keep arriving while the worker runs.
            try await producer.enqueue((0..<100).map { TaskRequest(type: "t", text: "high-late-\($0)", priority: "high") })
            try await log.wait { $0.count == 700 }
        }
        let order = log.all.map { $0.task.payloadString }
        try #require(order.count == 700)
        func level(_ s: String) -> Int { s.hasPrefix("high") ? 0 : s.hasPrefix("default") ? 1 : 2 }
        let lastHigh = try #require(order.lastIndex { level($0) == 0 })
        let firstDefault = try #require(order.firstIndex { level($0) == 1 })
        let lastDefault = try #require(order.lastIndex { level($0) == 1 })
        let firstLow = try #require(order.firstIndex { level($0) == 2 })
        // Runs start concurrently, so allow one batch of overlap at each boundary.
        #expect(lastHigh < firstDefault + 8)
        #expect(lastDefault < firstLow + 8)
    }

    @Test func timeoutCancelsAHungHandlerAndCountsAsFailure() async throws {
        let queue = uniqueQueue("timeout")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let cancelled = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("hang") { task in
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.record(task)
                throw error
            }
        }
        var wc = WorkerConfiguration(queue: queue, retry: RetryPolicy(maxRetries: 0))
        wc.taskTimeout = .milliseconds(200)
        wc.followQueueConfig = false
        let started = ContinuousClock.now
        var enqueued = ContinuousClock.now
        try await withWorker(config, wc, handlers) { _ in
            enqueued = ContinuousClock.now
            try await Producer(redis: redis, queue: queue).enqueue(TaskRequest(type: "hang", id: "hung-1"))
            try await cancelled.wait { $0.count == 1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Cancelled soon after its 200 ms (timed where the handler saw it, not by this test's
        // waiting), and the worker stopped without waiting out the 30 s sleep.
        let cancelledAfter = try #require(cancelled.all.first).at - enqueued
        #expect(cancelledAfter < .seconds(5), "\(cancelledAfter)")
        #expect(ContinuousClock.now - started < .seconds(25))
        #expect(cancelled.count == 1)
        let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
        #expect(dlq.first?["id"] == "hung-1")
        #expect(dlq.first?["error"] == "Task hung-1 timed out after 200 ms")
    }

    @Test func pauseAndResumeThroughTheConfigHash() async throws {
        let queue = uniqueQueue("pause")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let setup = try QueueSetup(redis: redis, queue: queue)
        try await setup.prepare(settings: QueueSettings(paused: true))
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { log.record($0) }
        var wc = WorkerConfiguration(queue: queue)
        wc.configRefreshInterval = .milliseconds(100)
        try await withWorker(config, wc, handlers) { worker in
            try await Producer(redis: redis, queue: queue).enqueue((0..<10).map { _ in TaskRequest(type: "t") })
            try await Task.sleep(for: .milliseconds(500))
            #expect(log.count == 0, "a paused worker must not fetch")
            #expect(worker.isPaused)
            try await redis.send(RedisCommand("HSET", "buraq:{\(queue)}:config", "paused", "false"))
            try await log.wait(timeout: .seconds(5)) { $0.count == 10 }
            #expect(!worker.isPaused)
        }
        #expect(log.count == 10)
    }

    @Test func invalidConfigIsIgnoredWithTheFieldNamedAndWorkGoesOn() async throws {
        let queue = uniqueQueue("badcfg")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        try await redis.send(RedisCommand("HSET", "buraq:{\(queue)}:config", "maxRetries", "lots"))
        #expect(throws: QueueError.self) { try QueueSettings(hash: ["maxRetries": "lots"]) }
        do {
            _ = try QueueSettings(hash: ["maxRetries": "lots"])
        } catch {
            #expect(error.message == "Queue config field 'maxRetries' is 'lots'; expected a non-negative integer")
        }
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { log.record($0) }
        try await withWorker(config, WorkerConfiguration(queue: queue), handlers) { _ in
            try await Producer(redis: redis, queue: queue).enqueue(type: "t")
            try await log.wait { $0.count == 1 }
        }
        #expect(log.count == 1)
    }

    @Test func inFlightCapHoldsAcrossWorkers() async throws {
        let queue = uniqueQueue("cap")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let peak = PeakCounter()
        let done = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { task in
            peak.enter()
            try await Task.sleep(for: .milliseconds(30))
            peak.leave()
            done.record(task)
        }
        var wc = WorkerConfiguration(queue: queue, concurrency: 10)
        wc.maxInFlight = 3
        wc.followQueueConfig = false
        try await Producer(redis: redis, queue: queue).enqueue((0..<60).map { _ in TaskRequest(type: "t") })
        var second = wc
        second.consumer = "second"
        try await withWorker(config, wc, handlers) { _ in
            try await withWorker(config, second, handlers) { _ in
                try await done.wait { $0.count == 60 }
            }
        }
        #expect(done.count == 60)
        #expect(peak.peak <= 3, "peak \(peak.peak) over the cap of 3")
        #expect(peak.peak >= 2)
    }

    @Test func pendingEntriesStayInTheStreamUntilAcknowledged() async throws {
        let queue = uniqueQueue("trim")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let gate = Gate()
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("held") { task in
            await gate.wait()
            log.record(task)
        }
        handlers.register("quick") { log.record($0) }
        let producer = try Producer(redis: redis, queue: queue)
        try await withWorker(config, WorkerConfiguration(queue: queue, concurrency: 20), handlers) { _ in
            try await producer.enqueue((0..<5).map { _ in TaskRequest(type: "held") })
            try await producer.enqueue((0..<200).map { _ in TaskRequest(type: "quick") })
            try await log.wait { $0.count == 200 }
            // Acks are flushed in batches shortly after the handlers return.
            let inspector = try QueueInspector(redis: redis, queue: queue)
            _ = try await eventually(.seconds(10)) { try await inspector.stats().pending == 5 }
            let stats = try await inspector.stats()
            // Finished entries were deleted; the 5 in flight are still pending and still in the stream.
            #expect(stats.pending == 5)
            #expect(stats.length == 5)
            let pendingIDs = (try await redis.send(RedisCommand("XPENDING", "buraq:{\(queue)}:stream", "buraq", "-", "+", 10)).array ?? [])
                .compactMap { $0.array?.first?.string }
            for id in pendingIDs {
                let entry = try await redis.send(RedisCommand("XRANGE", "buraq:{\(queue)}:stream", id, id))
                #expect(entry.array?.count == 1, "pending entry \(id) was deleted")
            }
            gate.open()
            try await log.wait { $0.count == 205 }
        }
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.length == 0 && stats.pending == 0)
    }

    @Test func heartbeatsListLiveWorkersAndDropStoppedOnes() async throws {
        let queue = uniqueQueue("beat")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        var wc = WorkerConfiguration(queue: queue, consumer: "pod-abc-1", concurrency: 3)
        wc.heartbeatInterval = .milliseconds(200)
        let keys = try QueueKeys(queue: queue)
        try await withWorker(config, wc, HandlerRegistry()) { _ in
            // One read both waits and is checked: a heartbeat late under load can look stale to a
            // second read.
            var live: [WorkerHeartbeat] = []
            let seen = try await eventually(.seconds(10)) {
                live = try await WorkerHeartbeat.list(redis: redis, keys: keys, now: SystemWallClock().nowMilliseconds())
                return !live.isEmpty
            }
            #expect(seen)
            #expect(live.map(\.id) == ["pod-abc-1"])
            #expect(live.first?.pid == Int(getpid()))
            #expect(live.first?.concurrency == 3)
        }
        let after = try await WorkerHeartbeat.list(redis: redis, keys: keys, now: SystemWallClock().nowMilliseconds())
        #expect(after.isEmpty)
    }

}

/// A one-shot gate handlers wait on.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
