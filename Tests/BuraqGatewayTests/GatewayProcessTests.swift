import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Synchronization
import Testing

/// The `buraq-gateway` executable: flags, environment tokens, SIGTERM ends it cleanly even with
/// a Server-Sent Events stream open.
@Suite(.redisServer) struct GatewayProcessTests {
    @Test func executableServesAndStopsOnSIGTERM() async throws {
        let server = try #require(RedisServer.current)
        let port = try freeLoopbackPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("buraq-gateway-\(port).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(executable: try BuiltProduct.path("buraq-gateway"),
                                       arguments: ["--redis-url", server.url, "--host", "127.0.0.1", "--port", "\(port)", "--max-payload-bytes", "16"],
                                       environment: ["BURAQ_GATEWAY_TOKENS": "process-writer:write:ci"], outputPath: log)
        defer { if !process.hasExited { process.kill9() } }
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = (try? await LoopbackHTTPClient.get(port: port, "/healthz").status) == 200
            if !healthy { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(healthy, "gateway did not come up: \(process.output)")
        let client = try LoopbackHTTPClient(port: port)
        let accepted = try await client.request("POST", "/v1/queues/proc/tasks", headers: ["Authorization": "Bearer process-writer"],
                                                body: Array(#"{"type":"t","payload":"hi"}"#.utf8))
        let tooBig = try await client.request("POST", "/v1/queues/proc/tasks", headers: ["Authorization": "Bearer process-writer"],
                                              body: Array(#"{"type":"t","payload":"0123456789abcdefg"}"#.utf8))
        let anonymous = try await LoopbackHTTPClient(port: port).request("POST", "/v1/queues/proc/tasks", body: Array(#"{"type":"t"}"#.utf8))
        #expect(accepted.status == 202 && tooBig.status == 413 && anonymous.status == 401)
        // An open event stream must not hold up shutdown.
        // Wait until its first event has arrived (the stream is open), then stop the gateway.
        let opened = Mutex(false)
        let stream = Task {
            try await LoopbackHTTPClient(port: port).readStream("/v1/events", headers: ["Authorization": "Bearer process-writer"]) { text in
                if text.contains("event: ") { opened.withLock { $0 = true } }
                return false
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !opened.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(opened.withLock { $0 }, "no event arrived on /v1/events")
        process.signal(SIGTERM)
        let code = try await process.wait(timeout: .seconds(15))
        #expect(code == 0, "exit code \(String(describing: code)); output:\n\(process.output)")
        #expect(process.output.contains("Starting the gateway") && process.output.contains("tokens=1"))
        _ = await stream.result
    }

    @Test func badTokenFileIsRefusedWithTheLine() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UInt32.random(in: 0...UInt32.max)).txt").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "good-token-1 read\nbad-token-22 admin\n".write(toFile: file, atomically: true, encoding: .utf8)
        let log = file + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(executable: try BuiltProduct.path("buraq-gateway"), arguments: ["--token-file", file], outputPath: log)
        let code = try await process.wait(timeout: .seconds(15))
        #expect(code == 64)
        #expect(process.output.contains("\(file):2: scope must be 'read' or 'write', got 'admin'"))
    }
}
