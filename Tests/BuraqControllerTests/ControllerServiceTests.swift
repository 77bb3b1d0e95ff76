import BuraqAPI
import BuraqController
import BuraqQueue
import BuraqScaling
import Logging
import Testing

/// The reconcile loops with in-memory Redis, workloads and status.
@Suite struct ControllerServiceTests {
    static func until(_ seconds: Double = 10, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            guard ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func scalesValidQueuesWhileAnInvalidOneIsDegraded() async throws {
        let metrics = InMemoryQueueMetricsSource()
        let scale = InMemoryScaleTarget()
        let status = LoggingStatusSink(logger: Logger(label: "test"))
        let good = QueueTarget(
            key: TaskQueueKey(namespace: "default", name: "good"), queue: "good",
            scaling: ScalingSpec(targetPerReplica: 10, maxReplicas: 5), scaleTargetName: "good-worker")
        let bad = TaskQueueKey(namespace: "default", name: "bad")
        metrics.set(QueueStats(length: 30, lag: 30), for: "good")
        let source = StaticTaskQueueSource([
            .upsert(good.key, generation: 1, .success(good)),
            .upsert(bad, generation: 2, .failure(ControllerError(code: .invalidSpec, message: "spec.scaling.targetPerReplica: must be at least 1, got 0"))),
        ])
        let service = ControllerService(
            source: source, environment: ControllerEnvironment(metrics: metrics, scaleTarget: scale, status: status))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            try await Self.until { scale.replicas(of: good.key) == 3 && status.statuses[bad] != nil }
            group.cancelAll()
        }
        #expect(scale.writes.first == .init(key: good.key, from: 0, to: 3, idleWorkers: []))
        #expect(metrics.settings(of: "good") == QueueSettings())
        #expect(status.statuses[bad]?.condition(TaskQueueCondition.degraded)?.reason == "InvalidSpec")
        #expect(status.statuses[good.key]?.condition(TaskQueueCondition.ready)?.status == .true)
        #expect(status.events.contains { $0.0 == bad && $0.1.type == .warning })
        #expect(status.events.contains { $0.0 == good.key && $0.1.reason == "SuccessfulRescale" })
    }
}
