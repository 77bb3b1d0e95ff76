import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Idempotent enqueue against a real redis-server.
@Suite(.redisServer) struct IdempotencyTests {
    var server: RedisServer { RedisServer.current! }

    func client() throws -> RedisClient { RedisClient(configuration: try RedisConfiguration(url: server.url)) }

    func keyed(_ key: String, ttl: Duration = .seconds(60), schedule: TaskRequest.Schedule = .now) -> TaskRequest {
        var request = TaskRequest(type: "t", text: "x", schedule: schedule)
        request.idempotencyKey = key
        request.idempotencyTTL = ttl
        return request
    }

    @Test func secondEnqueueWithTheSameKeyReturnsTheFirstIDAndAddsNothing() async throws {
        let queue = uniqueQueue("idem")
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let first = try await producer.submit([keyed("order-42")])[0]
        let second = try await producer.submit([keyed("order-42")])[0]
        #expect(!first.isDuplicate)
        #expect(second.isDuplicate)
        #expect(second.id == first.id)
        #expect(try await QueueInspector(redis: redis, queue: queue).stats().length == 1)
        // Another key is another task.
        let other = try await producer.enqueue(keyed("order-43"))
        #expect(other != first.id)
        #expect(try await QueueInspector(redis: redis, queue: queue).stats().length == 2)
    }

    @Test func duplicatesInsideOneBatchCollapseToTheFirst() async throws {
        let queue = uniqueQueue("idem")
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let results = try await producer.submit([keyed("k"), TaskRequest(type: "t"), keyed("k"), keyed("j")])
        #expect(results.map(\.isDuplicate) == [false, false, true, false])
        #expect(results[2].id == results[0].id)
        #expect(try await QueueInspector(redis: redis, queue: queue).stats().length == 3)
    }

    @Test func keyExpiresAfterItsTTL() async throws {
        let queue = uniqueQueue("idem")
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let first = try await producer.enqueue(keyed("short", ttl: .milliseconds(1500)))
        let ttl = try await redis.send(RedisCommand("PTTL", "buraq:{\(queue)}:idem:short")).int ?? -1
        #expect(ttl > 0 && ttl <= 1500)
        #expect(try await redis.send(RedisCommand("GET", "buraq:{\(queue)}:idem:short")).string == first)
        try await Task.sleep(for: .milliseconds(1600))
        let second = try await producer.submit([keyed("short")])[0]
        #expect(!second.isDuplicate)
        #expect(second.id != first)
    }

    @Test func delayedRequestWithAKeyIsScheduledOnce() async throws {
        let queue = uniqueQueue("idem")
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let a = try await producer.submit([keyed("later", schedule: .after(.seconds(60)))])[0]
        let b = try await producer.submit([keyed("later", schedule: .after(.seconds(60)))])[0]
        #expect(b.isDuplicate && b.id == a.id)
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.scheduled == 1 && stats.length == 0)
    }

    @Test func scriptCacheLossIsSurvived() async throws {
        let queue = uniqueQueue("idem")
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        _ = try await producer.enqueue(keyed("a"))
        try await redis.send(RedisCommand("SCRIPT", "FLUSH"))
        let again = try await producer.submit([keyed("a"), keyed("b")])
        #expect(again.map(\.isDuplicate) == [true, false])
    }

    @Test func emptyKeyOrTTLIsRejected() async throws {
        let redis = try client()
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: uniqueQueue("idem"))
        await #expect(throws: QueueError.self) { try await producer.enqueue(keyed("")) }
        await #expect(throws: QueueError.self) { try await producer.enqueue(keyed("k", ttl: .zero)) }
    }
}
