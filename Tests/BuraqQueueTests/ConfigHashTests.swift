@testable import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// A config hash holding only some fields (as `buraq pause` writes it) changes only those fields.
@Suite(.redisServer) struct ConfigHashTests {
    var config: RedisConfiguration { try! RedisConfiguration(url: RedisServer.current!.url) }

    func ownSettings() -> WorkerConfiguration {
        var wc = WorkerConfiguration(queue: "own", retry: RetryPolicy(maxRetries: 0, backoff: Backoff(initialDelay: .milliseconds(7), maxDelay: .seconds(3))))
        wc.visibilityTimeout = .seconds(9)
        wc.taskTimeout = .seconds(4)
        wc.maxDeliveries = 2
        wc.rateLimitPerSecond = 50
        wc.priorities = ["high"]
        return wc
    }

    @Test func onlyFieldsPresentInTheHashOverrideTheWorkersOwn() throws {
        let base = WorkerSettings(ownSettings())
        let hash = ["paused": "true"]
        let applied = base.applying(try QueueSettings(hash: hash), present: Set(hash.keys))
        var expected = base
        expected.paused = true
        #expect(applied == expected)

        let more = ["maxRetries": "3", "taskTimeoutSeconds": "0", "deadLetterEnabled": "false"]
        let applied2 = base.applying(try QueueSettings(hash: more), present: Set(more.keys))
        #expect(applied2.retry.maxRetries == 3)
        #expect(applied2.retry.backoff == base.retry.backoff)
        #expect(applied2.taskTimeout == nil)
        #expect(applied2.deadLetterMaxLength == -1)
        #expect(applied2.visibilityTimeout == .seconds(9))
        #expect(applied2.rateLimitPerSecond == 50)
        #expect(applied2.priorities == ["high"])

        // A full hash (as the controller writes it) replaces everything.
        let full = QueueSettings()
        let fields = Dictionary(uniqueKeysWithValues: full.hashFields.map { ($0.field, $0.value) })
        let applied3 = base.applying(try QueueSettings(hash: fields), present: Set(fields.keys))
        #expect(applied3.retry.maxRetries == 10 && applied3.visibilityTimeout == .seconds(60) && applied3.priorities.isEmpty)
    }

    @Test func pausedOnlyHashKeepsTheWorkersRetryPolicyAndPausesWithinASecond() async throws {
        let queue = uniqueQueue("pauseonly")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        try await redis.send(RedisCommand("HSET", "buraq:{\(queue)}:config", "paused", "false"))
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("fail") { _ in throw PlainFailure() }
        handlers.register("t") { log.record($0) }
        // maxRetries 0 is the worker's own; the hash's defaults (10 retries) must not replace it.
        var wc = WorkerConfiguration(queue: queue, retry: RetryPolicy(maxRetries: 0))
        wc.configRefreshInterval = .milliseconds(500)
        let producer = try Producer(redis: redis, queue: queue)
        try await withWorker(config, wc, handlers) { worker in
            try await producer.enqueue(TaskRequest(type: "fail", id: "f1"))
            for _ in 0..<500 where try await QueueInspector(redis: redis, queue: queue).stats().deadLetters == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let dlq = try await streamEntries(redis, "buraq:{\(queue)}:dlq")
            #expect(dlq.first?["id"] == "f1")
            #expect(dlq.first?["reason"] == "failed")
            #expect(dlq.first?["attempts"] == "1")

            try await redis.send(RedisCommand("HSET", "buraq:{\(queue)}:config", "paused", "true"))
            let pausedAt = ContinuousClock.now
            while !worker.isPaused && ContinuousClock.now - pausedAt < .seconds(5) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let took = ContinuousClock.now - pausedAt
            // 500 ms refresh interval; the margin is for a loaded 2-core machine.
            #expect(took < .milliseconds(1500), "pause took \(took)")
            try await Task.sleep(for: .milliseconds(600))  // a fetch already blocking ends within 500 ms
            try await producer.enqueue((0..<5).map { _ in TaskRequest(type: "t") })
            try await Task.sleep(for: .milliseconds(700))
            #expect(log.count == 0, "a paused worker took tasks")
            try await redis.send(RedisCommand("HDEL", "buraq:{\(queue)}:config", "paused"))
            try await log.wait(timeout: .seconds(10)) { $0.count == 5 }
            #expect(!worker.isPaused, "without the field the worker's own setting (not paused) applies")
        }
        #expect(log.count == 5)
    }
}

struct PlainFailure: Error {}
