import BuraqRedis
import Logging
import Synchronization

/// One `RedisClient` per Redis address, shared by every TaskQueue on that address, so 1,000
/// TaskQueues on one Redis use one small pool of connections (and threads), not 1,000.
public final class RedisClients: Sendable {
    private let clients = Mutex<[String: RedisClient]>([:])
    private let poolSize: Int
    private let logger: Logger

    /// - Parameter poolSize: connections (and threads) per address.
    public init(poolSize: Int = 2, logger: Logger = Logger(label: "buraq.controller.redis")) {
        self.poolSize = poolSize
        self.logger = logger
    }

    /// The client for `url`, created on first use.
    /// - Throws: `ControllerError` `.invalidSpec` when the URL does not parse.
    public func client(for url: String) throws(ControllerError) -> RedisClient {
        if let client = clients.withLock({ $0[url] }) { return client }
        let configuration: RedisConfiguration
        do { configuration = try RedisConfiguration(url: url) } catch {
            throw ControllerError(code: .invalidSpec, message: error.message, context: ["url": Self.redacted(url)])
        }
        return clients.withLock { clients in
            if let existing = clients[url] { return existing }
            let client = RedisClient(
                configuration: configuration, poolSize: poolSize, name: "ctl-redis-\(clients.count)", logger: logger)
            clients[url] = client
            return client
        }
    }

    /// Addresses in use.
    public var count: Int { clients.withLock { $0.count } }

    /// Closes every client.
    public func closeAll() {
        let all = clients.withLock { clients in
            let all = Array(clients.values)
            clients.removeAll()
            return all
        }
        for client in all { client.close() }
    }

    /// The URL without its password, for messages.
    public static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.firstRange(of: "://") else { return url }
        return String(url[..<scheme.upperBound]) + "***@" + String(url[url.index(after: at)...])
    }
}
