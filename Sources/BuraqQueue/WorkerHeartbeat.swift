import BuraqRedis

/// What a worker records about itself every few seconds in `buraq:{Q}:worker:{id}` (a hash with a
/// TTL of three intervals) and `buraq:{Q}:workers` (a ZSET scored by the last beat), so a dead
/// worker disappears by itself. The worker id is the consumer name (the pod name on Kubernetes).
public struct WorkerHeartbeat: Sendable, Hashable, Codable {
    public var id: String
    public var host: String
    public var pid: Int
    /// ms since the Unix epoch.
    public var startedAt: Int64
    /// ms since the Unix epoch of this beat.
    public var beatAt: Int64
    public var concurrency: Int
    public var inFlight: Int
    public var processed: Int
    public var failed: Int

    public init(id: String, host: String, pid: Int, startedAt: Int64, beatAt: Int64, concurrency: Int,
                inFlight: Int, processed: Int, failed: Int) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.beatAt = beatAt
        self.concurrency = concurrency
        self.inFlight = inFlight
        self.processed = processed
        self.failed = failed
    }

    /// Hash fields, in order.
    public var hashFields: [(String, String)] {
        [("id", id), ("host", host), ("pid", "\(pid)"), ("started_at", "\(startedAt)"), ("beat_at", "\(beatAt)"),
         ("concurrency", "\(concurrency)"), ("in_flight", "\(inFlight)"), ("processed", "\(processed)"), ("failed", "\(failed)")]
    }

    /// Reads a heartbeat hash (HGETALL as a dictionary); nil when it is missing or incomplete.
    public init?(hash: [String: String]) {
        guard let id = hash["id"], let host = hash["host"], let pid = hash["pid"].flatMap(Int.init),
              let startedAt = hash["started_at"].flatMap(Int64.init), let beatAt = hash["beat_at"].flatMap(Int64.init) else { return nil }
        self.init(id: id, host: host, pid: pid, startedAt: startedAt, beatAt: beatAt,
                  concurrency: hash["concurrency"].flatMap(Int.init) ?? 0, inFlight: hash["in_flight"].flatMap(Int.init) ?? 0,
                  processed: hash["processed"].flatMap(Int.init) ?? 0, failed: hash["failed"].flatMap(Int.init) ?? 0)
    }

    /// Commands that record this beat: HSET + PEXPIRE of the hash, ZADD to the set, and removal of
    /// set members older than `ttlMilliseconds`.
    public func commands(keys: QueueKeys, ttlMilliseconds: Int64) -> [RedisCommand] {
        var hset = RedisCommand("HSET", keys.worker(id))
        for (k, v) in hashFields { hset.append(k, v) }
        return [
            hset,
            RedisCommand("PEXPIRE", keys.worker(id), ttlMilliseconds),
            RedisCommand("ZADD", keys.workers, beatAt, id),
            RedisCommand("ZREMRANGEBYSCORE", keys.workers, "-inf", beatAt - ttlMilliseconds),
        ]
    }

    /// Live workers of a queue: set members seen within `ttlMilliseconds` whose hash still exists.
    public static func list(redis: RedisClient, keys: QueueKeys, now: Int64, ttlMilliseconds: Int64 = 15_000) async throws(QueueError) -> [WorkerHeartbeat] {
        let ids: [String]
        do {
            ids = (try await redis.send(RedisCommand("ZRANGEBYSCORE", keys.workers, now - ttlMilliseconds, "+inf")).array ?? []).compactMap(\.string)
        } catch { throw QueueError(error, key: keys.workers) }
        guard !ids.isEmpty else { return [] }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(ids.map { RedisCommand("HGETALL", keys.worker($0)) }) } catch { throw QueueError(error, key: keys.workers) }
        return replies.compactMap { reply in
            let items = reply.array ?? []
            var hash: [String: String] = [:]
            var i = 0
            while i + 1 < items.count {
                if let k = items[i].string, let v = items[i + 1].string { hash[k] = v }
                i += 2
            }
            return WorkerHeartbeat(hash: hash)
        }.sorted { $0.id < $1.id }
    }
}
