import BuraqGateway
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Testing

/// The enqueue coalescer against a real redis-server: many concurrent submits of plain tasks
/// (flushed on the Redis client's thread), mixed with delayed ones (the async path), and a
/// combined flush that fails because of one bad request.
@Suite(.redisServer) struct EnqueueCoalescerTests {
    @Test func concurrentSubmitsAreAllEnqueuedAndABadRequestFailsAlone() async throws {
        let server = try #require(RedisServer.current)
        let redis = try RedisClient(url: server.url, poolSize: 2, name: "coalescer-test")
        defer { redis.close() }
        let coalescer = EnqueueCoalescer(redis: redis, maxInFlight: 1)
        let queue = "coalesce-\(UInt32.random(in: 0...UInt32.max))"
        let keys = try QueueKeys(queue: queue)

        let ids = try await withThrowingTaskGroup(of: [EnqueueResult].self) { group in
            for i in 0..<200 {
                group.addTask {
                    var request = TaskRequest(type: "t", text: "task \(i)")
                    if i % 50 == 0 { request.schedule = .after(.seconds(600)) }
                    if i % 2 == 0 { return try await coalescer.submit([request], queue: queue) }
                    // The callback form, as the HTTP gateway uses it.
                    let result = await withCheckedContinuation { continuation in
                        coalescer.submit([request], queue: queue) { continuation.resume(returning: $0) }
                    }
                    return try result.get()
                }
            }
            var all: [String] = []
            for try await results in group { all += results.map(\.id) }
            return all
        }
        #expect(Set(ids).count == 200)
        #expect(try await redis.send(RedisCommand("XLEN", keys.stream)).int == 196)
        #expect(try await redis.send(RedisCommand("ZCARD", keys.scheduled)).int == 4)

        // One request whose task id is refused, among good ones submitted at the same time.
        let byRequest = await withTaskGroup(of: (String, Bool).self) { group in
            for i in 0..<20 {
                group.addTask {
                    let request = TaskRequest(type: "t", payload: [], id: i == 7 ? "bad id" : "good-\(queue)-\(i)")
                    let result = await withCheckedContinuation { continuation in
                        coalescer.submit([request], queue: queue) { continuation.resume(returning: $0) }
                    }
                    return ("\(i)", (try? result.get()) != nil)
                }
            }
            var all: [String: Bool] = [:]
            for await (i, ok) in group { all[i] = ok }
            return all
        }
        #expect(byRequest.count == 20 && byRequest["7"] == false)
        #expect(byRequest.filter(\.value).count == 19)
        #expect(try await redis.send(RedisCommand("XLEN", keys.stream)).int == 196 + 19)
    }
}
