import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// Options shared by commands that talk to a queue.
struct QueueOptions: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Redis URL (redis://[user:password@]host:port/db). Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(name: [.short, .long], help: "Queue name. Env: BURAQ_QUEUE.")
    var queue: String = ProcessInfo.processInfo.environment["BURAQ_QUEUE"] ?? "default"

    func validate() throws {
        do { try QueueName.validate(queue) } catch { throw ValidationError(error.message) }
        do { _ = try RedisConfiguration(url: redisURL) } catch { throw ValidationError(error.message) }
    }

    func client(poolSize: Int = 1) throws -> RedisClient {
        var config = try RedisConfiguration(url: redisURL)
        config.connectTimeout = .seconds(2)
        config.maxReconnectDelay = .milliseconds(200)
        return RedisClient(configuration: config, poolSize: poolSize, name: "buraq-cli")
    }
}
