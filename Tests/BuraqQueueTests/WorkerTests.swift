import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

@Suite(.redisServer) struct WorkerTests {
    var server: RedisServer { RedisServer.current! }
    var config: RedisConfiguration { try! RedisConfiguration(url: server.url) }

    @Test func roundTripDeliversExactTask() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("greet") { log.record($0) }
        let payload: [UInt8] = [0, 1, 2, 0, 0xff, 10]
        try await withWorker(config, WorkerConfiguration(queue: queue, consumer: "w1"), handlers) { _ in
            let id = try await producer.enqueue(TaskRequest(type: "greet", payload: payload, id: "task-1", headers: ["trace": "abc"]))
            #expect(id == "task-1")
            try await log.wait { $0.count == 1 }
        }
        let run = try #require(log.all.first)
        #expect(run.task.id == "task-1")
        #expect(run.task.payload == payload)
        #expect(run.task.headers == ["trace": "abc"])
        #expect(run.task.attempt == 0)
        #expect(run.task.enqueuedAt > 0)
        // Acked and deleted: nothing pending, nothing left in the stream.
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.pending == 0)
        #expect(stats.length == 0)
        #expect(stats.backlog == 0)
    }

    @Test func batchEnqueueInOneRoundTripKeepsOrderAndIDs() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        var producer = try Producer(redis: redis, queue: queue)
        producer.maxPipeline = 300
        let requests = (0..<1000).map { TaskRequest(type: "noop", text: "\($0)", id: $0 % 2 == 0 ? "fixed-\($0)" : nil) }
        let ids = try await producer.enqueue(requests)
        #expect(ids.count == 1000)
        #expect(Set(ids).count == 1000)
        #expect(ids[0] == "fixed-0" && ids[998] == "fixed-998")
        #expect(ids[1].count == 32)
        let entries = try await streamEntries(redis, "buraq:{\(queue)}:stream")
        #expect(entries.map { $0["payload"] ?? "" } == (0..<1000).map { "\($0)" })
        #expect(entries.map { $0["id"] ?? "" } == ids)
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.length == 1000)
        #expect(stats.lag == 1000)
        #expect(stats.groupExists == false)
    }

    @Test func delayedTaskRunsAfterItsTimeNotBefore() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("later") { log.record($0) }
        try await withWorker(config, WorkerConfiguration(queue: queue, consumer: "w", promoteInterval: .milliseconds(20)), handlers) { _ in
            let enqueued = ContinuousClock.now
            // Both due times count from here, so "at" is due first however slow the enqueues are.
            let base = SystemWallClock().nowMilliseconds()
            try await producer.enqueue(type: "later", payload: Array("x".utf8), delay: .milliseconds(700))
            let atMark = enqueued
            try await producer.enqueue(TaskRequest(type: "later", text: "at", schedule: .at(base + 400)))
            let stats = try await QueueInspector(redis: redis, queue: queue).stats()
            if ContinuousClock.now - enqueued < .milliseconds(380) {
                #expect(stats.scheduled == 2)
                #expect(stats.length == 0)
            }
            try await Task.sleep(for: .milliseconds(300))
            // On a loaded machine the sleep may overrun past the due time: only check when it did not.
            if ContinuousClock.now - atMark < .milliseconds(380) {
                #expect(log.count == 0, "ran before its time")
            }
            try await log.wait { $0.count == 2 }
            let runs = log.all
            #expect(runs.count == 2)
            // Each ran after its own due time (on a loaded machine both may be due by the same promotion).
            let at = try #require(runs.first { $0.task.payloadString == "at" })
            let later = try #require(runs.first { $0.task.payloadString == "x" })
            #expect(at.at - enqueued >= .milliseconds(390))
            #expect(later.at - enqueued >= .milliseconds(690))
        }
        let after = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(after.scheduled == 0)
        // The per-task hash is gone once the task moved to the stream.
        let leftovers = try await redis.send(RedisCommand("KEYS", "buraq:{\(queue)}:task:*"))
        #expect(leftovers.array?.isEmpty == true)
    }

    @Test func failuresRetryWithGrowingDelaysThenDeadLetterWithErrorText() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let log = RunLog()
        var handlers = HandlerRegistry()
        struct Boom: Error, CustomStringConvertible { let n: Int; var description: String { "boom number \(n)" } }
        handlers.register("flaky") { task in
            log.record(task)
            throw Boom(n: task.attempt)
        }
        let retry = RetryPolicy(maxRetries: 3, backoff: Backoff(initialDelay: .milliseconds(100), maxDelay: .seconds(5)))
        try await withWorker(config, WorkerConfiguration(queue: queue, consumer: "retry-worker", retry: retry, promoteInterval: .milliseconds(10)), handlers) { worker in
            try await producer.enqueue(TaskRequest(type: "flaky", text: "p", id: "flaky-1"))
            try await log.wait { $0.count == 4 }
            // The last failure's dead-lettering follows its run; on a loaded machine it may take a while.
            _ = try await eventually(.seconds(10)) { worker.counters.deadLettered == 1 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(log.count == 4, "ran more than maxRetries + 1 times")
            let c = worker.counters
            #expect(c.failed == 4 && c.retried == 3 && c.deadLettered == 1)
        }
        let runs = log.all
        #expect(runs.map(\.task.attempt) == [0, 1, 2, 3])
        let gaps = zip(runs.dropFirst(), runs).map { $0.at - $1.at }
        // Equal jitter: retry n waits at least half of 100ms * 2^(n-1), so the floors grow 50, 100, 200 ms.
        // (No upper bounds: a loaded machine may run a retry late, never early.)
        #expect(gaps[0] >= .milliseconds(50))
        #expect(gaps[1] >= .milliseconds(100))
        #expect(gaps[2] >= .milliseconds(200))
        let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
        #expect(dlq.count == 1)
        let dead = try #require(dlq.first)
        #expect(dead["id"] == "flaky-1")
        #expect(dead["type"] == "flaky")
        #expect(dead["payload"] == "p")
        #expect(dead["error"] == "boom number 3")
        #expect(dead["reason"] == "failed")
        #expect(dead["attempts"] == "4")
        #expect(dead["worker"] == "retry-worker")
        #expect(Int64(dead["failed_at"] ?? "") ?? 0 > 0)
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.pending == 0 && stats.scheduled == 0 && stats.deadLetters == 1)
    }

    @Test func nonRetryableErrorGoesStraightToTheDeadLetterQueue() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("bad") { task in
            log.record(task)
            throw NonRetryableError("invalid address")
        }
        try await withWorker(config, WorkerConfiguration(queue: queue), handlers) { _ in
            try await Producer(redis: redis, queue: queue).enqueue(type: "bad")
            try await log.wait { $0.count == 1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
        #expect(log.count == 1)
        #expect(dlq.first?["reason"] == "non_retryable")
        #expect(dlq.first?["error"] == "invalid address")
    }

    @Test func unknownTypesAndMalformedEntriesReachTheDeadLetterQueueAndWorkGoesOn() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let stream = "buraq:{\(queue)}:stream"
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("ok") { log.record($0) }
        try await withWorker(config, WorkerConfiguration(queue: queue, consumer: "w"), handlers) { _ in
            let producer = try Producer(redis: redis, queue: queue)
            try await producer.enqueue(TaskRequest(type: "mystery", text: "?", id: "m-1"))
            try await redis.send(RedisCommand("XADD", stream, "*", "garbage", [UInt8]([0xff, 0, 0xfe])))
            try await redis.send(RedisCommand("XADD", stream, "*", "id", "x", "type", "ok", "payload", "", "attempt", "lots"))
            try await redis.send(RedisCommand("XADD", stream, "*", "id", "y", "type", [UInt8]([0xc3, 0x28]), "payload", ""))
            try await producer.enqueue(TaskRequest(type: "ok", text: "fine", id: "ok-1"))
            try await log.wait { $0.count == 1 }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(log.distinctIDs == ["ok-1"])
        let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
        #expect(dlq.count == 4)
        let reasons = dlq.map { $0["reason"] ?? "" }.sorted()
        #expect(reasons == ["malformed", "malformed", "malformed", "unknown_type"])
        let unknown = try #require(dlq.first { $0["reason"] == "unknown_type" })
        #expect(unknown["id"] == "m-1")
        #expect(unknown["error"]?.contains("No handler registered for task type 'mystery'") == true)
        #expect(dlq.contains { $0["error"]?.contains("Missing field 'id'") == true })
        #expect(dlq.contains { $0["error"]?.contains("Field 'attempt' must be a non-negative integer, got 'lots'") == true })
        #expect(dlq.contains { $0["error"]?.contains("Field 'type' must be UTF-8 text") == true })
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.pending == 0 && stats.length == 0)
    }

    @Test func concurrencyLimitHolds() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let running = RunLog()
        let peak = PeakCounter()
        var handlers = HandlerRegistry()
        handlers.register("slow") { task in
            peak.enter()
            try await Task.sleep(for: .milliseconds(20))
            peak.leave()
            running.record(task)
        }
        try await withWorker(config, WorkerConfiguration(queue: queue, concurrency: 5), handlers) { _ in
            try await Producer(redis: redis, queue: queue).enqueue((0..<60).map { _ in TaskRequest(type: "slow") })
            try await running.wait { $0.count == 60 }
        }
        #expect(running.count == 60)
        #expect(peak.peak <= 5)
        #expect(peak.peak >= 2)
    }

    @Test func statsReportEveryCounter() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        try await producer.enqueue((0..<7).map { _ in TaskRequest(type: "noop") })
        try await producer.enqueue(TaskRequest(type: "noop", schedule: .after(.seconds(60))))
        let stream = "buraq:{\(queue)}:stream"
        try await redis.send(RedisCommand("XGROUP", "CREATE", stream, "buraq", "0"))
        // Deliver 3 without acking: pending 3, lag 4.
        try await redis.send(RedisCommand("XREADGROUP", "GROUP", "buraq", "c", "COUNT", 3, "STREAMS", stream, ">"))
        try await redis.send(RedisCommand("XADD", "buraq:{\(queue)}:dlq", "*", "id", "d"))
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats == QueueStats(length: 7, lag: 4, pending: 3, scheduled: 1, scheduledDue: 0, deadLetters: 1, groupExists: true,
                                    oldestPendingAgeMilliseconds: stats.oldestPendingAgeMilliseconds))
        #expect(stats.backlog == 7)
        #expect((stats.oldestPendingAgeMilliseconds ?? -1) >= 0)
    }

    @Test func wrongTypeKeyIsReportedByName() async throws {
        let queue = uniqueQueue()
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        try await redis.send("SET", "buraq:{\(queue)}:stream", "oops")
        do {
            _ = try await QueueInspector(redis: redis, queue: queue).stats()
            Issue.record("expected wrongType")
        } catch {
            #expect(error.code == .wrongType)
            #expect(error.message.contains("buraq:{\(queue)}:stream"))
        }
        do {
            try await Producer(redis: redis, queue: queue).enqueue(type: "noop")
            Issue.record("expected wrongType")
        } catch {
            #expect(error.code == .wrongType)
        }
    }
}

final class PeakCounter: Sendable {
    private let state = Mutex<(now: Int, peak: Int)>((0, 0))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

import Synchronization
