import BuraqRedis

/// Operator actions on a queue that go through its config hash.
public struct QueueAdmin: Sendable {
    public let keys: QueueKeys
    private let redis: RedisClient

    public init(redis: RedisClient, queue: String) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
    }

    /// Sets `paused` in `buraq:{Q}:config`, leaving the other fields as they are. Workers stop
    /// fetching within about a second and finish what they hold. (With the operator, set the
    /// TaskQueue's `spec.paused` instead: the controller rewrites the hash from the spec.)
    public func setPaused(_ paused: Bool) async throws(QueueError) {
        do { try await redis.send(RedisCommand("HSET", keys.config, "paused", paused ? "true" : "false")) } catch {
            throw QueueError(error, key: keys.config)
        }
    }

    /// Whether the config hash says paused (false when it has no such field).
    public func isPaused() async throws(QueueError) -> Bool {
        do { let value = try await redis.send(RedisCommand("HGET", keys.config, "paused")).string
            return value == "true" || value == "1" } catch {
            throw QueueError(error, key: keys.config)
        }
    }
}
