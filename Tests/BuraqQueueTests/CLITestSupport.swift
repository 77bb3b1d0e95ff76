import BuraqRedis
import BuraqTestSupport
import Foundation

/// Runs the built `buraq` CLI against a test redis-server.
struct CLI {
    let server: RedisServer

    /// Runs `buraq ARGS --redis-url URL`; returns the exit code and everything it printed.
    func run(_ args: [String], redis: Bool = true) async throws -> (code: Int32, output: String) {
        let out = server.directory.appendingPathComponent("cli-\(UUID().uuidString).log").path
        let p = try ChildProcess(executable: try BuiltProduct.path("buraq"), arguments: args + (redis ? ["--redis-url", server.url] : []),
                                 outputPath: out)
        let code = try await p.wait(timeout: .seconds(30)) ?? -1
        return (code, p.output)
    }

    /// Starts `buraq-worker` on `queue` with extra arguments; output goes to a log file in the server's directory.
    func worker(_ queue: String, _ name: String, _ extra: [String] = []) throws -> ChildProcess {
        try ChildProcess(executable: try BuiltProduct.path("buraq-worker"),
                         arguments: ["--redis-url", server.url, "--queue", queue, "--consumer", name, "--metrics-port", "0"] + extra,
                         outputPath: server.directory.appendingPathComponent("\(queue)-\(name)-\(UUID().uuidString.prefix(4)).log").path)
    }

    /// The demo `record` handler's run counts per task id.
    func runs(_ redis: RedisClient, _ queue: String) async throws -> [String: Int] {
        try await recordedRuns(redis, queue)
    }
}

/// The demo `record` handler's run counts per task id (`buraq-demo:{Q}:runs`).
func recordedRuns(_ redis: RedisClient, _ queue: String) async throws -> [String: Int] {
    let items = try await redis.send(RedisCommand("HGETALL", "buraq-demo:{\(queue)}:runs")).array ?? []
    var out: [String: Int] = [:]
    var i = 0
    while i + 1 < items.count {
        out[items[i].string ?? ""] = Int(items[i + 1].string ?? "") ?? 0
        i += 2
    }
    return out
}

