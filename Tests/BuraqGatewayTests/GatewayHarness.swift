import BuraqGateway
import BuraqHTTP
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// A gateway on a free loopback port in front of the suite's redis-server.
struct GatewayHarness {
    let gateway: Gateway
    let port: Int
    let redis: RedisClient

    /// Runs `body` with a gateway configured by `configure` (backlog read on every request),
    /// reading time from `clock`.
    static func with(_ configure: (inout GatewayConfiguration) -> Void = { _ in },
                     clock: any WallClock = SystemWallClock(),
                     _ body: (GatewayHarness) async throws -> Void) async throws {
        let server = try #require(RedisServer.current)
        var config = GatewayConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.backlogRefreshMilliseconds = 0
        config.sampleInterval = .milliseconds(200)
        configure(&config)
        let gateway = Gateway(configuration: config, redis: try RedisConfiguration(url: server.url), clock: clock)
        let redis = try RedisClient(url: server.url, poolSize: 1, name: "test-redis")
        defer {
            gateway.close()
            redis.close()
        }
        let http = gateway.makeServer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await http.run() }
            let port = try await http.listeningPort()
            try await body(GatewayHarness(gateway: gateway, port: port, redis: redis))
            group.cancelAll()
        }
    }

    /// One request on a new connection; JSON bodies are given as text.
    func call(_ method: String, _ target: String, token: String? = nil, json: String? = nil,
              headers: [String: String] = [:]) async throws -> HTTPReply {
        var all = headers
        if let token { all["Authorization"] = "Bearer \(token)" }
        if json != nil { all["Content-Type"] = "application/json" }
        return try await LoopbackHTTPClient(port: port).request(method, target, headers: all, body: Array((json ?? "").utf8))
    }

    /// A queue name no other test uses.
    static func uniqueQueue(_ prefix: String) -> String { "\(prefix)-\(UInt32.random(in: 0...UInt32.max))" }
}

extension HTTPReply {
    /// The body as a JSON object.
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// `error.field` of an error body.
    var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
    /// `error.code` of an error body.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
}
