import BuraqRedis

/// A snapshot of one queue's depth, read in one pipelined round trip.
public struct QueueStats: Sendable, Hashable, Codable {
    /// Entries in the stream (XLEN), delivered or not.
    public var length: Int64
    /// Entries not yet delivered to the consumer group. Nil when Redis cannot tell (entries were
    /// deleted from the undelivered range); callers must not read nil as zero.
    public var lag: Int64?
    /// Entries delivered and not yet acknowledged (in flight, or left by a crashed worker).
    public var pending: Int64
    /// Tasks waiting in the scheduled set (delayed tasks and retries).
    public var scheduled: Int64
    /// Scheduled tasks already due (about to move to the stream).
    public var scheduledDue: Int64
    /// Entries in the dead-letter stream.
    public var deadLetters: Int64
    /// False when the consumer group does not exist yet (no worker has started).
    public var groupExists: Bool
    /// Age in milliseconds of the oldest pending entry, from its stream id; nil when none is pending.
    public var oldestPendingAgeMilliseconds: Int64?

    /// `lag + pending`: work not finished. Nil when lag is unknown.
    public var backlog: Int64? { lag.map { $0 + pending } }

    public init(length: Int64 = 0, lag: Int64? = 0, pending: Int64 = 0, scheduled: Int64 = 0, scheduledDue: Int64 = 0,
                deadLetters: Int64 = 0, groupExists: Bool = true, oldestPendingAgeMilliseconds: Int64? = nil) {
        self.length = length
        self.lag = lag
        self.pending = pending
        self.scheduled = scheduled
        self.scheduledDue = scheduledDue
        self.deadLetters = deadLetters
        self.groupExists = groupExists
        self.oldestPendingAgeMilliseconds = oldestPendingAgeMilliseconds
    }
}

/// Reads ``QueueStats`` for a queue and consumer group.
public struct QueueInspector: Sendable {
    public let keys: QueueKeys
    public let group: String
    private let redis: RedisClient
    private let clock: any WallClock

    public init(redis: RedisClient, queue: String, group: String = "buraq", clock: any WallClock = SystemWallClock()) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
        self.group = group
        self.clock = clock
    }

    /// One round trip: XINFO GROUPS, XLEN, ZCARD, ZCOUNT, XLEN (dlq), XPENDING summary.
    /// - Throws: ``QueueError`` `.wrongType` naming the key when a key holds another type, `.redis` otherwise.
    public func stats() async throws(QueueError) -> QueueStats {
        let now = clock.nowMilliseconds()
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands(now: now)) } catch { throw QueueError(error, key: keys.stream) }
        return try parse(replies[...], now: now)
    }

    /// The stats of many queues on one Redis in one round trip (the controller polls hundreds of
    /// queues a second on one server). Each inspector's result is its own: one queue's wrong key
    /// type does not fail the others; a connection failure fails them all.
    public static func stats(of inspectors: [QueueInspector], redis: RedisClient, clock: any WallClock = SystemWallClock())
        async throws(QueueError) -> [Result<QueueStats, QueueError>]
    {
        let now = clock.nowMilliseconds()
        let commands = inspectors.flatMap { $0.commands(now: now) }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands) } catch { throw QueueError(error) }
        return inspectors.enumerated().map { index, inspector in
            let slice = replies[(index * commandCount)..<((index + 1) * commandCount)]
            return Result { () throws(QueueError) in try inspector.parse(slice, now: now) }
        }
    }

    static let commandCount = 6

    func commands(now: Int64) -> [RedisCommand] {
        [
            RedisCommand("XINFO", "GROUPS", keys.stream),
            RedisCommand("XLEN", keys.stream),
            RedisCommand("ZCARD", keys.scheduled),
            RedisCommand("ZCOUNT", keys.scheduled, "-inf", now),
            RedisCommand("XLEN", keys.deadLetter),
            RedisCommand("XPENDING", keys.stream, group),
        ]
    }

    func parse(_ replies: ArraySlice<RESPValue>, now: Int64) throws(QueueError) -> QueueStats {
        let replies = Array(replies)
        let names = ["XINFO", "XLEN", "ZCARD", "ZCOUNT", "XLEN", "XPENDING"]
        let keyOf = [keys.stream, keys.stream, keys.scheduled, keys.scheduled, keys.deadLetter, keys.stream]
        for (i, reply) in replies.enumerated() {
            guard let message = reply.errorMessage else { continue }
            // A missing stream or group is an empty queue, not an error.
            if message.hasPrefix("ERR no such key") || message.hasPrefix("NOGROUP") { continue }
            throw QueueError(RedisError(code: .server, message: message, context: ["command": names[i]]), key: keyOf[i])
        }
        var stats = QueueStats()
        stats.length = replies[1].int ?? 0
        stats.scheduled = replies[2].int ?? 0
        stats.scheduledDue = replies[3].int ?? 0
        stats.deadLetters = replies[4].int ?? 0
        stats.groupExists = false
        stats.lag = stats.length
        if let groups = replies[0].array {
            for g in groups {
                let info = Self.pairs(g)
                guard info["name"]?.string == group else { continue }
                stats.groupExists = true
                stats.pending = info["pending"]?.int ?? 0
                if let lag = info["lag"] {
                    stats.lag = lag.isNull ? nil : lag.int
                }
            }
        }
        // XPENDING summary: [count, smallest id, greatest id, consumers]
        if let summary = replies[5].array, summary.count >= 2, let smallest = summary[1].string,
           let ms = smallest.split(separator: "-").first.flatMap({ Int64($0) }) {
            stats.oldestPendingAgeMilliseconds = max(0, now - ms)
        }
        return stats
    }

    static func pairs(_ value: RESPValue) -> [String: RESPValue] {
        guard let items = value.array else { return [:] }
        var out: [String: RESPValue] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string { out[k] = items[i + 1] }
            i += 2
        }
        return out
    }
}
