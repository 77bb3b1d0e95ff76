import BuraqController
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// `/metrics` text.
@Suite struct ObservabilityTests {
    static func report(_ reason: String, scaled: Bool, problems: [ControllerError] = []) -> PollReport {
        PollReport(
            key: TaskQueueKey(namespace: "default", name: "emails"), queue: "emails",
            stats: QueueStatsSnapshot(backlog: 1200, lag: 900, pending: 300, scheduled: 5, deadLetters: 2),
            replicas: 8, desiredReplicas: 8, reason: reason, scaled: scaled, duration: .microseconds(700),
            problems: problems)
    }

    @Test func rendersEveryFamily() async {
        let metrics = ControllerMetrics()
        metrics.observe(Self.report("ScaleUpLimit", scaled: true))
        metrics.observe(Self.report("DesiredWithinRange", scaled: false))
        metrics.observe(
            Self.report(
                "MetricsUnavailable", scaled: false,
                problems: [ControllerError(code: .redisUnavailable, message: "down")]))
        let text = await metrics.render()
        for line in [
            #"buraq_controller_queue_backlog{namespace="default",taskqueue="emails",queue="emails"} 1200"#,
            #"buraq_controller_queue_lag{namespace="default",taskqueue="emails",queue="emails"} 900"#,
            #"buraq_controller_queue_pending{namespace="default",taskqueue="emails",queue="emails"} 300"#,
            #"buraq_controller_queue_replicas{namespace="default",taskqueue="emails",queue="emails"} 8"#,
            #"buraq_controller_queue_desired_replicas{namespace="default",taskqueue="emails",queue="emails"} 8"#,
            #"buraq_controller_scaling_decisions_total{namespace="default",taskqueue="emails",queue="emails",reason="ScaleUpLimit"} 1"#,
            #"buraq_controller_scale_writes_total{namespace="default",taskqueue="emails",queue="emails"} 1"#,
            #"buraq_controller_errors_total{source="redis",code="RedisUnavailable"} 1"#,
            #"buraq_controller_reconcile_duration_seconds_bucket{namespace="default",le="0.001"} 3"#,
            #"buraq_controller_reconcile_duration_seconds_count{namespace="default"} 3"#,
            "# TYPE buraq_controller_reconcile_duration_seconds histogram",
            "# TYPE buraq_controller_scaling_decisions_total counter",
        ] {
            #expect(text.contains(line + "\n"), "missing: \(line)")
        }
        metrics.forget(TaskQueueKey(namespace: "default", name: "emails"), queue: "emails")
        #expect(await !metrics.render().contains("taskqueue=\"emails\""))
    }

    @Test func piecesJoinToTheWholePageAndStayNearTheirSize() async {
        let metrics = ControllerMetrics()
        for i in 0..<300 {
            var report = Self.report("DesiredWithinRange", scaled: i % 2 == 0)
            report.key = TaskQueueKey(namespace: "default", name: "q-\(i)")
            metrics.observe(report)
        }
        var pieces: [String] = []
        await metrics.render(pieceBytes: 4096) { pieces.append($0) }
        #expect(pieces.joined() == (await metrics.render()))
        #expect(pieces.count > 10)
        // A piece is sent once it reaches the size: at most one TaskQueue's lines more.
        #expect(pieces.allSatisfy { $0.utf8.count < 4096 + 1024 })
    }
}
