@testable import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Testing

/// Queue figures read in one pipeline and decoded where hiredis parsed them.
@Suite(.redisServer) struct QueueInspectorTests {
    var server: RedisServer { RedisServer.current! }
    func client() throws -> RedisClient { RedisClient(configuration: try RedisConfiguration(url: server.url)) }

    @Test func aQueueThatDoesNotExistIsEmptyWithoutAGroup() async throws {
        let redis = try client()
        defer { redis.close() }
        let stats = try await QueueInspector(redis: redis, queue: uniqueQueue()).stats()
        #expect(stats == QueueStats(length: 0, lag: 0, pending: 0, groupExists: false))
    }

    @Test func onlyTheInspectorsOwnGroupCounts() async throws {
        let redis = try client()
        defer { redis.close() }
        let queue = uniqueQueue()
        let stream = "buraq:{\(queue)}:stream"
        for i in 1...5 { try await redis.send(RedisCommand("XADD", stream, "\(i)-0", "n", i)) }
        try await redis.send(RedisCommand("XGROUP", "CREATE", stream, "other", "0"))
        try await redis.send(RedisCommand("XGROUP", "CREATE", stream, "mine", "0"))
        try await redis.send(RedisCommand("XGROUP", "CREATE", stream, "minex", "0"))
        try await redis.send(RedisCommand("XREADGROUP", "GROUP", "other", "c", "COUNT", 4, "STREAMS", stream, ">"))
        try await redis.send(RedisCommand("XREADGROUP", "GROUP", "mine", "c", "COUNT", 2, "STREAMS", stream, ">"))
        let clock = ManualWallClock(10_000)
        let mine = try await QueueInspector(redis: redis, queue: queue, group: "mine", clock: clock).stats()
        #expect(mine == QueueStats(length: 5, lag: 3, pending: 2, groupExists: true, oldestPendingAgeMilliseconds: 9_999))
        // A group that another group's name starts with is not mistaken for it.
        let absent = try await QueueInspector(redis: redis, queue: queue, group: "min", clock: clock).stats()
        #expect(absent == QueueStats(length: 5, lag: 5, pending: 0, groupExists: false))
    }

    @Test func lagIsUnknownWhenUndeliveredEntriesWereDeleted() async throws {
        let redis = try client()
        defer { redis.close() }
        let queue = uniqueQueue()
        let stream = "buraq:{\(queue)}:stream"
        for i in 1...3 { try await redis.send(RedisCommand("XADD", stream, "\(i)-0", "n", i)) }
        try await redis.send(RedisCommand("XGROUP", "CREATE", stream, "buraq", "0"))
        try await redis.send(RedisCommand("XDEL", stream, "2-0"))
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.lag == nil && stats.backlog == nil)
        #expect(stats.length == 2 && stats.groupExists && stats.pending == 0)
    }

    @Test func aKeptInspectorReadsDueTasksAtEachReadsTime() async throws {
        let redis = try client()
        defer { redis.close() }
        let queue = uniqueQueue()
        let scheduled = "buraq:{\(queue)}:scheduled"
        try await redis.send(RedisCommand("ZADD", scheduled, 1_000, "a", 5_000, "b", 9_000, "c"))
        try await redis.send(RedisCommand("XADD", "buraq:{\(queue)}:dlq", "*", "id", "d"))
        let clock = ManualWallClock(2_000)
        let inspector = try QueueInspector(redis: redis, queue: queue, clock: clock)
        var dues: [Int64] = []
        for now: Int64 in [500, 2_000, 5_000, 10_000] {
            clock.set(now)
            let stats = try await inspector.stats()
            #expect(stats.scheduled == 3 && stats.deadLetters == 1)
            dues.append(stats.scheduledDue)
        }
        #expect(dues == [0, 1, 2, 3])
    }

    @Test func oneQueuesWrongKeyFailsOnlyThatQueueOfABatch() async throws {
        let redis = try client()
        defer { redis.close() }
        let queues = (0..<3).map { _ in uniqueQueue("batch") }
        for (n, queue) in queues.enumerated() {
            for _ in 0...n { try await redis.send(RedisCommand("XADD", "buraq:{\(queue)}:stream", "*", "n", n)) }
        }
        try await redis.send(RedisCommand("DEL", "buraq:{\(queues[1])}:stream"))
        try await redis.send(RedisCommand("SET", "buraq:{\(queues[1])}:scheduled", "not a set"))
        let inspectors = try queues.map { try QueueInspector(redis: redis, queue: $0) }
        let results = try await QueueInspector.stats(of: inspectors, redis: redis)
        #expect(try results[0].get() == QueueStats(length: 1, lag: 1, groupExists: false))
        #expect(try results[2].get() == QueueStats(length: 3, lag: 3, groupExists: false))
        #expect(throws: QueueError.self) { try results[1].get() }
        if case .failure(let error) = results[1] {
            #expect(error.code == .wrongType)
            #expect(error.message.contains("buraq:{\(queues[1])}:scheduled"))
        }
    }

    @Test func aReadEncodesTheSameCommandsAsTheKeysSpellThem() throws {
        let redis = try RedisClient(url: "redis://127.0.0.1:1")  // never connects: nothing is sent
        defer { redis.close() }
        let inspector = try QueueInspector(redis: redis, queue: "shop.emails-2", group: "mailers")
        var encoded = EncodedPipeline()
        inspector.encode(into: &encoded, now: 1_700_000_000_123)
        let keys = inspector.keys
        var expected = EncodedPipeline()
        for command in [
            RedisCommand("XINFO", "GROUPS", keys.stream), RedisCommand("XLEN", keys.stream), RedisCommand("ZCARD", keys.scheduled),
            RedisCommand("XLEN", keys.deadLetter), RedisCommand("XPENDING", keys.stream, "mailers"),
            RedisCommand("ZCOUNT", keys.scheduled, "-inf", 1_700_000_000_123),
        ] { expected.append(command) }
        #expect(encoded.bytes == expected.bytes)
        #expect(encoded.count == QueueInspector.commandCount && QueueInspector.Command.allCases.count == encoded.count)
    }

    @Test func streamIDMillisecondsAreReadWithoutCopying() {
        func read(_ text: String) -> Int64? {
            Array(text.utf8).withUnsafeBytes { QueueInspector.millisecondsOfStreamID($0) }
        }
        #expect(read("1700000000000-3") == 1_700_000_000_000)
        #expect(read("0-1") == 0)
        #expect(read("42") == 42)
        #expect(read("") == nil)
        #expect(read("-1") == nil)
        #expect(read("12a-0") == nil)
        #expect(read("9999999999999999999-0") == nil)
    }
}
