import BuraqController
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// `/metrics` text and the endpoint server.
@Suite struct ObservabilityTests {
    static func report(_ reason: String, scaled: Bool, problems: [ControllerError] = []) -> PollReport {
        PollReport(
            key: TaskQueueKey(namespace: "default", name: "emails"), queue: "emails",
            stats: QueueStatsSnapshot(backlog: 1200, lag: 900, pending: 300, scheduled: 5, deadLetters: 2),
            replicas: 8, desiredReplicas: 8, reason: reason, scaled: scaled, duration: .microseconds(700),
            problems: problems)
    }

    @Test func rendersEveryFamily() {
        let metrics = ControllerMetrics()
        metrics.observe(Self.report("ScaleUpLimit", scaled: true))
        metrics.observe(Self.report("DesiredWithinRange", scaled: false))
        metrics.observe(
            Self.report(
                "MetricsUnavailable", scaled: false,
                problems: [ControllerError(code: .redisUnavailable, message: "down")]))
        let text = metrics.render()
        for line in [
            #"buraq_controller_queue_backlog{taskqueue="default/emails",queue="emails"} 1200"#,
            #"buraq_controller_queue_lag{taskqueue="default/emails",queue="emails"} 900"#,
            #"buraq_controller_queue_pending{taskqueue="default/emails",queue="emails"} 300"#,
            #"buraq_controller_replicas{taskqueue="default/emails",queue="emails"} 8"#,
            #"buraq_controller_desired_replicas{taskqueue="default/emails",queue="emails"} 8"#,
            #"buraq_controller_decisions_total{taskqueue="default/emails",reason="ScaleUpLimit"} 1"#,
            #"buraq_controller_scale_writes_total{taskqueue="default/emails"} 1"#,
            #"buraq_controller_errors_total{source="redis",code="RedisUnavailable"} 1"#,
            #"buraq_controller_reconcile_duration_seconds_bucket{le="0.001"} 3"#,
            #"buraq_controller_reconcile_duration_seconds_count 3"#,
            "# TYPE buraq_controller_reconcile_duration_seconds histogram",
            "# TYPE buraq_controller_decisions_total counter",
        ] {
            #expect(text.contains(line + "\n"), "missing: \(line)")
        }
        metrics.forget(TaskQueueKey(namespace: "default", name: "emails"), queue: "emails")
        #expect(!metrics.render().contains("taskqueue=\"default/emails\""))
    }

    @Test func servesRoutesOverHTTP() async throws {
        let server = try EndpointServer(
            address: "127.0.0.1:0", routes: ["/healthz": { .init(body: "ok\n") }], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var port: Int?
            for _ in 0..<100 where port == nil {
                port = server.listeningPort
                try await Task.sleep(for: .milliseconds(10))
            }
            let base = "http://127.0.0.1:\(try #require(port))"
            #expect(try Self.get("\(base)/healthz") == "200 ok\n")
            #expect(try Self.get("\(base)/nope").hasPrefix("404"))
            group.cancelAll()
        }
    }

    /// A GET over a raw socket (no URLSession: it needs a run loop).
    static func get(_ url: String) throws -> String {
        let parts = URL(string: url)!
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(parts.port!).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { return "connect failed" }
        let request = Array("GET \(parts.path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        let status = text.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
        return "\(status) \(body)"
    }
}
