import BuraqGateway
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Opens the dashboard in headless Chromium while tasks flow through a real worker, and checks
/// that the page's numbers changed (the page counts SSE updates and changes in `data-` attributes
/// of its body). Saves a screenshot to the temporary directory, and to the path in
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

        try await GatewayHarness.with({ $0.anonymousWrites = true; $0.sampleInterval = .milliseconds(500) }) { h in
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
                try await Task.sleep(for: .seconds(2))
                let url = "http://127.0.0.1:\(h.port)/"
                let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                              "--user-data-dir=\(directory.path)/profile", "--window-size=1400,1100"]
                let dom = try await Self.run(chromium, common + ["--timeout=8000", "--dump-dom", url], output: directory.appendingPathComponent("dom.html").path)
                let screenshot = directory.appendingPathComponent("dashboard.png").path
                _ = try await Self.run(chromium, common + ["--timeout=8000", "--screenshot=\(screenshot)", url],
                                       output: directory.appendingPathComponent("shot.log").path)
                worker.stop()
                group.cancelAll()

                let updates = Self.attribute("data-updates", in: dom)
                let changes = Self.attribute("data-changes", in: dom)
                #expect(updates >= 4, "SSE updates seen by the page: \(updates)\n\(dom.prefix(3000))")
                #expect(changes >= 2, "updates in which the queue numbers changed: \(changes)")
                #expect(dom.contains("data-queue=\"\(queue)\""), "the queue row is shown")
                #expect(dom.contains("dashboard-worker-1"), "the live worker is shown")
                let png = try #require(FileManager.default.contents(atPath: screenshot), "Chromium wrote no screenshot")
                #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                if let keep = ProcessInfo.processInfo.environment["BURAQ_DASHBOARD_SCREENSHOT"] {
                    try? FileManager.default.removeItem(atPath: keep)
                    try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
                }
            }
        }
    }

    struct DemoFailure: Error {}

    /// Runs Chromium to completion (at most 60 s) and returns what it printed.
    static func run(_ chromium: String, _ arguments: [String], output: String) async throws -> String {
        let process = try ChildProcess(executable: chromium, arguments: arguments, outputPath: output)
        guard try await process.wait(timeout: .seconds(60)) != nil else {
            process.kill9()
            throw TestSupportError("chromium did not finish within 60 s: \(process.output.suffix(2000))")
        }
        return process.output
    }

    static func attribute(_ name: String, in dom: String) -> Int {
        guard let range = dom.range(of: "\(name)=\"") else { return -1 }
        return Int(dom[range.upperBound...].prefix { $0.isNumber }) ?? -1
    }
}
