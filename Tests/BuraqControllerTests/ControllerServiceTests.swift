import BuraqAPI
import BuraqBase
import BuraqController
import BuraqQueue
import BuraqScaling
import Logging
import Synchronization
import Testing

/// The reconcile loops with in-memory Redis, workloads and status.
@Suite struct ControllerServiceTests {
    /// Waits until `condition` holds, up to `seconds`; a timeout is a test failure at the caller.
    static func until(_ seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("The condition did not hold within \(seconds) s", sourceLocation: sourceLocation)
                return
            }
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

    /// Reads that take `delay` and count how many run at once.
    final class SlowMetrics: QueueMetricsSource {
        let inner: InMemoryQueueMetricsSource
        let delay: Duration
        private let counts = Mutex<(now: Int, most: Int, reads: [String: Int])>((0, 0, [:]))
        init(_ inner: InMemoryQueueMetricsSource, delay: Duration) {
            self.inner = inner
            self.delay = delay
        }
        var mostAtOnce: Int { counts.withLock { $0.most } }
        func reads(of queue: String) -> Int { counts.withLock { $0.reads[queue, default: 0] } }
        func read(_ target: QueueTarget, writing settings: QueueSettings?) async -> QueueReading {
            counts.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
                $0.reads[target.queue, default: 0] += 1
            }
            try? await Task.sleep(for: delay)
            counts.withLock { $0.now -= 1 }
            return await inner.read(target, writing: settings)
        }
        func workers(of target: QueueTarget) async -> Result<[WorkerHeartbeat], ControllerError> {
            await inner.workers(of: target)
        }
    }

    /// A source the test feeds by hand.
    final class FedSource: TaskQueueSource {
        let stream: AsyncStream<TaskQueueChange>
        let continuation: AsyncStream<TaskQueueChange>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream() }
        func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws {
            for await change in stream { onChange(change) }
        }
    }

    /// Notes which TaskQueues were forgotten.
    final class ForgetRecorder: ControllerObserver {
        let forgotten = Mutex<[TaskQueueKey]>([])
        func observe(_ report: PollReport) {}
        func forget(_ key: TaskQueueKey, queue: String) { forgotten.withLock { $0.append(key) } }
    }

    static func target(_ name: String) -> QueueTarget {
        QueueTarget(
            key: TaskQueueKey(namespace: "default", name: name), queue: name,
            scaling: ScalingSpec(targetPerReplica: 10, maxReplicas: 5), scaleTargetName: "\(name)-worker")
    }

    @Test func pollsEveryQueueWithAtMostTheConcurrencyLimitAtOnce() async throws {
        let memory = InMemoryQueueMetricsSource()
        let metrics = SlowMetrics(memory, delay: .milliseconds(20))
        let scale = InMemoryScaleTarget()
        let targets = (0..<20).map { Self.target("q\($0)") }
        for target in targets { memory.set(QueueStats(length: 30, lag: 30), for: target.queue) }
        let service = ControllerService(
            source: StaticTaskQueueSource(targets: targets),
            environment: ControllerEnvironment(metrics: metrics, scaleTarget: scale, status: LoggingStatusSink(logger: Logger(label: "test"))),
            maxConcurrentPolls: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            try await Self.until { targets.allSatisfy { scale.replicas(of: $0.key) == 3 } }
            group.cancelAll()
        }
        for target in targets { #expect(scale.replicas(of: target.key) == 3, "\(target.key)") }
        #expect(metrics.mostAtOnce <= 3)
        #expect(metrics.mostAtOnce >= 2, "20 queues due at once should fill the slots")
    }

    @Test func aQueueDeletedDuringItsPollIsForgottenAfterItAndNotPolledAgain() async throws {
        let memory = InMemoryQueueMetricsSource()
        let metrics = SlowMetrics(memory, delay: .milliseconds(300))
        let observer = ForgetRecorder()
        let source = FedSource()
        let a = Self.target("a")
        let status = LoggingStatusSink(logger: Logger(label: "test"))
        memory.set(QueueStats(length: 30, lag: 30), for: "a")
        let service = ControllerService(
            source: source,
            environment: ControllerEnvironment(
                metrics: metrics, scaleTarget: InMemoryScaleTarget(), status: status, observer: observer))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            source.continuation.yield(.upsert(a.key, generation: 1, .success(a)))
            try await Self.until { metrics.reads(of: "a") == 1 }
            // The first read is still sleeping: deleting now must wait for it to end before forgetting.
            source.continuation.yield(.delete(a.key))
            try await Self.until { observer.forgotten.withLock { !$0.isEmpty } }
            #expect(observer.forgotten.withLock { $0 } == [a.key])
            try await Self.until { status.statuses[a.key] == nil }  // the status sink forgets it too
            // Re-created under the same key: polled again, as a new TaskQueue.
            source.continuation.yield(.upsert(a.key, generation: 2, .success(a)))
            try await Self.until { metrics.reads(of: "a") == 2 }
            #expect(metrics.reads(of: "a") == 2)
            group.cancelAll()
        }
        #expect(observer.forgotten.withLock { $0 } == [a.key])
    }

    @Test func aQueueRecreatedWhileItsOldPollRunsKeepsItsFiguresAndPollsOn() async throws {
        let memory = InMemoryQueueMetricsSource()
        let metrics = SlowMetrics(memory, delay: .milliseconds(300))
        let observer = ForgetRecorder()
        let source = FedSource()
        let a = Self.target("a")
        memory.set(QueueStats(length: 30, lag: 30), for: "a")
        let service = ControllerService(
            source: source,
            environment: ControllerEnvironment(
                metrics: metrics, scaleTarget: InMemoryScaleTarget(), status: LoggingStatusSink(logger: Logger(label: "test")),
                observer: observer))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            source.continuation.yield(.upsert(a.key, generation: 1, .success(a)))
            try await Self.until { metrics.reads(of: "a") >= 1 }
            // Deleted and created again while the first read sleeps: the new TaskQueue polls at
            // once, and the old poll's end neither forgets it nor schedules a second round.
            source.continuation.yield(.delete(a.key))
            source.continuation.yield(.upsert(a.key, generation: 1, .success(a)))
            try await Self.until { metrics.reads(of: "a") >= 2 }
            // The next polls come from the new TaskQueue's schedule, one a second. Counted
            // against the time they took (a loaded machine checks late), a second schedule
            // would show as about two reads a second.
            let from = ContinuousClock.now
            let readsBefore = metrics.reads(of: "a")
            try await Self.until(8) { metrics.reads(of: "a") >= readsBefore + 3 }
            #expect(metrics.mostAtOnce <= 2, "the old poll and the new one, never a second copy of the new one")
            let elapsed = (ContinuousClock.now - from).seconds
            let reads = metrics.reads(of: "a") - readsBefore
            #expect(Double(reads) <= elapsed + 1, "\(reads) reads in \(elapsed) s")
            group.cancelAll()
        }
        #expect(observer.forgotten.withLock { $0 }.isEmpty)
    }

    @Test func aChangedSpecIsPolledAtOnceNotAtTheNextDueTime() async throws {
        let memory = InMemoryQueueMetricsSource()
        let metrics = SlowMetrics(memory, delay: .zero)
        let scale = InMemoryScaleTarget()
        let source = FedSource()
        var a = Self.target("a")
        a.pollingIntervalSeconds = 3600
        memory.set(QueueStats(length: 30, lag: 30), for: "a")
        let service = ControllerService(
            source: source,
            environment: ControllerEnvironment(metrics: metrics, scaleTarget: scale, status: LoggingStatusSink(logger: Logger(label: "test"))))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            source.continuation.yield(.upsert(a.key, generation: 1, .success(a)))
            try await Self.until { scale.replicas(of: a.key) == 3 }
            // An hour until the next poll, but the new generation (maxReplicas 2) is acted on now.
            a.scaling.maxReplicas = 2
            source.continuation.yield(.upsert(a.key, generation: 2, .success(a)))
            try await Self.until { scale.replicas(of: a.key) == 2 }
            group.cancelAll()
        }
        #expect(scale.replicas(of: a.key) == 2)
        #expect(metrics.reads(of: "a") == 2)
    }
}
