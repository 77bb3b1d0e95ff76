import BuraqRedis

/// Creates a queue's stream and consumer group and reads or writes its settings hash
/// (`buraq:{Q}:config`, see ``QueueSettings``).
public struct QueueSetup: Sendable {
    public let keys: QueueKeys
    public let group: String
    private let redis: RedisClient

    public init(redis: RedisClient, queue: String, group: String = "buraq") throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
        self.group = group
    }

    /// In one round trip: creates the stream and the consumer group if missing
    /// (`XGROUP CREATE … 0 MKSTREAM`; BUSYGROUP means it exists), and, when `settings` is given,
    /// replaces the settings hash atomically (MULTI, DEL, HSET, EXEC), so a worker never reads a
    /// half-written hash.
    /// - Returns: true when the group was created by this call.
    @discardableResult
    public func prepare(settings: QueueSettings? = nil) async throws(QueueError) -> Bool {
        var commands = [RedisCommand("XGROUP", "CREATE", keys.stream, group, "0", "MKSTREAM")]
        if let settings {
            var hset = RedisCommand("HSET", keys.config)
            for (field, value) in settings.hashFields { hset.append(field, value) }
            commands += [RedisCommand("MULTI"), RedisCommand("DEL", keys.config), hset, RedisCommand("EXEC")]
        }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands) } catch { throw QueueError(error, key: keys.stream) }
        var created = true
        if let message = replies[0].errorMessage {
            guard message.hasPrefix("BUSYGROUP") else {
                throw QueueError(RedisError(code: .server, message: message, context: ["command": "XGROUP"]), key: keys.stream)
            }
            created = false
        }
        for (command, reply) in zip(commands.dropFirst(), replies.dropFirst()) {
            if let message = reply.errorMessage {
                throw QueueError(RedisError(code: .server, message: message, context: ["command": command.name]), key: keys.config)
            }
        }
        return created
    }

    /// The settings hash, or nil when the controller has not written it.
    public func readSettings() async throws(QueueError) -> QueueSettings? {
        guard let hash = try await readHash() else { return nil }
        return try QueueSettings(hash: hash)
    }

    /// The raw settings hash (field → value), or nil when it does not exist. Workers apply only
    /// the fields it holds (see ``QueueSettings``).
    public func readHash() async throws(QueueError) -> [String: String]? {
        let reply: RESPValue
        do { reply = try await redis.send(RedisCommand("HGETALL", keys.config)) } catch { throw QueueError(error, key: keys.config) }
        let items = reply.array ?? []
        guard !items.isEmpty else { return nil }
        var hash: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string { hash[k] = v }
            i += 2
        }
        return hash
    }
}
