import BuraqGateway
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Opens the dashboard in headless Chromium while tasks flow through a real worker, and checks
/// that the page's numbers changed (the page counts SSE updates and changes in `data-` attributes
/// of its body, which hack/dashboard-probe.py reads every second over the DevTools pipe).
/// Saves a screenshot to the temporary directory, and to the path in
/// `BURAQ_DASHBOARD_SCREENSHOT` when set (docs/dashboard.png was made that way).
@Suite(.redisServer) struct DashboardBrowserTests {
    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name -> String? in
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }.first

    @Test(.enabled(if: chromium != nil, "Chromium is not installed (Debian: apt-get install chromium; hack/test.sh installs it when apt is available)"))
    func dashboardShowsNumbersChangingWhileTasksFlow() async throws {
        let chromium = try #require(Self.chromium)
        let server = try #require(RedisServer.current)
        let queue = GatewayHarness.uniqueQueue("dashboard")
        var handlers = HandlerRegistry()
        handlers.register("resize") { _ in try await Task.sleep(for: .milliseconds(20)) }
        handlers.register("flaky") { task in
            if task.payload.first.map({ $0 % 4 == 0 }) == true { throw DemoFailure() }
        }
        var workerConfig = WorkerConfiguration(queue: queue, consumer: "dashboard-worker-1", concurrency: 8,
                                               retry: RetryPolicy(maxRetries: 0))
        workerConfig.heartbeatInterval = .milliseconds(500)
        let worker = try Worker(redis: try RedisConfiguration(url: server.url), configuration: workerConfig, handlers: handlers)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buraq-dashboard-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // What `kubectl get taskqueues -A -o json` would say of the queue, for the controller table.
        let statusFile = directory.appendingPathComponent("taskqueues.json").path
        try (#"{"kind":"List","items":[{"kind":"TaskQueue","metadata":{"name":"thumbnails","namespace":"media"},"spec":{"queue":"\#(queue)"},"#
            + #""status":{"replicas":2,"desiredReplicas":4,"lastScaleTime":"2026-12-03T18:00:00Z","conditions":[{"type":"Ready","status":"True","reason":"Scaled"},"#
            + #"{"type":"ScalingLimited","status":"False","reason":"DesiredWithinRange","message":"backlog 380 / 100 per replica = 4 replicas"}]}}]}"#)
            .write(toFile: statusFile, atomically: true, encoding: .utf8)
        try await GatewayHarness.with({ $0.anonymousWrites = true; $0.sampleInterval = .milliseconds(500); $0.taskQueueStatusFile = statusFile }) { h in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await h.gateway.sampler.run() }
                group.addTask { try await worker.run() }
                // Producer: small batches for the whole test, a quarter of the 'flaky' tasks fail.
                group.addTask {
                    let client = try LoopbackHTTPClient(port: h.port)
                    for round in 0..<400 where !Task.isCancelled {
                        let tasks = (0..<20).map { i in #"{"type":"\#(i % 2 == 0 ? "resize" : "flaky")","payloadBase64":"\#(Data([UInt8((round + i) % 256)]).base64EncodedString())"}"# }
                        _ = try await client.request("POST", "/v1/queues/\(queue)/tasks:batch", body: Array(#"{"tasks":[\#(tasks.joined(separator: ","))]}"#.utf8))
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                try await Task.sleep(for: .seconds(1))
                let screenshot = directory.appendingPathComponent("dashboard.png").path
                let probe = try await Self.run("/usr/bin/env", ["python3", Self.probeScript, chromium, "http://127.0.0.1:\(h.port)/", screenshot, "8"],
                                               output: directory.appendingPathComponent("probe.json").path)
                worker.stop()
                group.cancelAll()

                let line = probe.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
                let result = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "probe printed: \(probe.prefix(2000))")
                let samples = result["samples"] as? [[String: Any]] ?? []
                let updates = samples.last?["updates"] as? Int ?? 0
                let changes = samples.last?["changes"] as? Int ?? 0
                let dom = result["dom"] as? String ?? ""
                #expect(updates >= 8, "Server-Sent Events updates the page received in 8 s: \(samples)")
                #expect(changes >= 4, "updates that changed the numbers shown: \(samples)")
                #expect(dom.contains("data-queue=\"\(queue)\""), "the queue's row is shown")
                #expect(dom.contains("dashboard-worker-1"), "the live worker is shown")
                #expect(dom.contains("media/thumbnails") && dom.contains("DesiredWithinRange"), "the controller's decisions are shown")
                let png = try #require(FileManager.default.contents(atPath: screenshot), "no screenshot")
                #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                if let keep = ProcessInfo.processInfo.environment["BURAQ_DASHBOARD_SCREENSHOT"] {
                    try? FileManager.default.removeItem(atPath: keep)
                    try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
                }
            }
        }
    }

    struct DemoFailure: Error {}

    static let probeScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hack/dashboard-probe.py").path

    /// Runs a program to completion (at most 60 s) and returns what it printed.
    static func run(_ program: String, _ arguments: [String], output: String) async throws -> String {
        let process = try ChildProcess(executable: program, arguments: arguments, outputPath: output)
        guard try await process.wait(timeout: .seconds(60)) != nil else {
            process.kill9()
            throw TestSupportError("\(arguments.first ?? program) did not finish within 60 s: \(process.output.suffix(2000))")
        }
        return process.output
    }
}
