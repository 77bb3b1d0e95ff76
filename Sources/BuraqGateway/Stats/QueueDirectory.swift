import BuraqQueue
import BuraqRedis
import Synchronization

/// Finds the queues in a Redis database: every `buraq:{Q}:stream…` or `buraq:{Q}:dlq` stream
/// and every `buraq:{Q}:config` hash (SCAN, cached for ``cacheMilliseconds``), plus the queues
/// this gateway enqueued to.
public final class QueueDirectory: Sendable {
    public let cacheMilliseconds: Int64
    private let redis: RedisClient
    private let clock: any WallClock
    private let state = Mutex<(names: Set<String>, scannedAt: Int64?)>(([], nil))

    public init(redis: RedisClient, cacheMilliseconds: Int64 = 5000, clock: any WallClock = SystemWallClock()) {
        self.redis = redis
        self.cacheMilliseconds = cacheMilliseconds
        self.clock = clock
    }

    /// Adds a queue seen by the gateway itself.
    public func remember(_ queue: String) {
        state.withLock { _ = $0.names.insert(queue) }
    }

    /// Queue names, sorted.
    public func queues() async throws(QueueError) -> [String] {
        let now = clock.nowMilliseconds()
        if let cached = state.withLock({ s -> [String]? in
            guard let at = s.scannedAt, now - at < cacheMilliseconds else { return nil }
            return s.names.sorted()
        }) { return cached }
        var found = Set<String>()
        try await scan(match: "buraq:{*}:*", type: "stream", into: &found)
        try await scan(match: "buraq:{*}:config", type: "hash", into: &found)
        return state.withLock { s in
            s.names.formUnion(found)
            s.scannedAt = now
            return s.names.sorted()
        }
    }

    private func scan(match: String, type: String, into found: inout Set<String>) async throws(QueueError) {
        var cursor = "0"
        repeat {
            let reply: RESPValue
            do { reply = try await redis.send(RedisCommand("SCAN", cursor, "MATCH", match, "COUNT", 1000, "TYPE", type)) } catch {
                throw QueueError(error)
            }
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { return }
            cursor = next
            for key in parts[1].array ?? [] {
                if let key = key.string, let name = Self.queueName(of: key) { found.insert(name) }
            }
        } while cursor != "0"
    }

    /// The queue of a key such as `buraq:{emails}:stream:high`, when it is a stream, dead-letter or config key.
    static func queueName(of key: String) -> String? {
        guard key.hasPrefix("buraq:{"), let close = key.firstIndex(of: "}") else { return nil }
        let name = String(key[key.index(key.startIndex, offsetBy: 7)..<close])
        let rest = key[key.index(after: close)...]
        guard rest == ":stream" || rest.hasPrefix(":stream:") || rest == ":dlq" || rest == ":config" else { return nil }
        guard (try? QueueName.validate(name)) != nil else { return nil }
        return name
    }
}
