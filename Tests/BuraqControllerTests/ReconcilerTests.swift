import BuraqAPI
import BuraqController
import BuraqQueue
import BuraqScaling
import Testing

/// The reconcile state machine, without I/O: every input is a value, time is a number.
@Suite struct ReconcilerTests {
    static let key = TaskQueueKey(namespace: "default", name: "emails")

    static func target(
        max: Int32 = 4, min: Int32 = 0, perReplica: Int64 = 100, generation: Int64 = 1, paused: Bool = false
    ) -> QueueTarget {
        var settings = QueueSettings()
        settings.paused = paused
        return QueueTarget(
            key: key, generation: generation, queue: "emails",
            scaling: ScalingSpec(targetPerReplica: perReplica, minReplicas: min, maxReplicas: max),
            settings: settings, scaleTargetName: "emails-worker")
    }

    static func stats(lag: Int64, pending: Int64 = 0) -> QueueStats {
        QueueStats(length: lag + pending, lag: lag, pending: pending)
    }

    static let redisDown = ControllerError(
        code: .redisUnavailable, message: "Cannot reach Redis at 127.0.0.1:1: connection refused")

    /// One whole poll: settings, decide, apply (succeeding unless `scaleError`), finish.
    @discardableResult
    static func poll(
        _ reconciler: inout Reconciler, _ target: QueueTarget, at seconds: Int64,
        metrics: Result<QueueStats, ControllerError>, replicas: Int32, scaleError: ControllerError? = nil,
        scaleRead: ControllerError? = nil, targetProblems: [ControllerError] = []
    ) -> (plan: ScalePlan, outcome: ReconcileOutcome) {
        let now = ScalingTime.seconds(seconds)
        let write = reconciler.settingsToWrite(for: target, now: now)
        let scale: Result<ScaleState, ControllerError> =
            scaleRead.map { .failure($0) } ?? .success(ScaleState(replicas: replicas))
        let plan = reconciler.decide(
            target: target,
            observation: Observation(
                settingsWrite: write.map { _ in .success(()) }, metrics: metrics, scale: scale,
                targetProblems: targetProblems),
            now: now)
        let result: Result<Void, ControllerError>? =
            plan.replicas.map { _ in scaleError.map { .failure($0) } ?? .success(()) }
        return (plan, reconciler.finish(scaleResult: result, now: now))
    }

    @Test func scalesUpFromZeroWithStatusEventAndLog() {
        var reconciler = Reconciler(key: Self.key)
        let (plan, outcome) = Self.poll(
            &reconciler, Self.target(), at: 100, metrics: .success(Self.stats(lag: 1000)), replicas: 0)
        #expect(plan.replicas == 4)
        #expect(plan.decision?.reason == .activated)
        let status = try! #require(outcome.status)
        #expect(status.replicas == 4)
        #expect(status.desiredReplicas == 4)
        #expect(status.backlog == 1000)
        #expect(status.lastScaleTime == RFC3339.format(milliseconds: 100_000))
        #expect(status.condition(TaskQueueCondition.ready)?.status == .true)
        #expect(status.condition(TaskQueueCondition.active)?.reason == "QueueHasWork")
        #expect(status.condition(TaskQueueCondition.scalingLimited)?.status == .true)
        #expect(status.condition(TaskQueueCondition.degraded)?.status == .false)
        #expect(outcome.events.map(\.reason) == ["SuccessfulRescale"])
        #expect(outcome.events[0].message.hasPrefix("New size: 4; reason: backlog 1000 is above activation threshold 0"))
        let log = try! #require(outcome.logs.first)
        #expect(log.message == "Scaled workers")
        #expect(log.level == .info)
        #expect(log.metadata["metricValue"] == "1000")
        #expect(log.metadata["desiredReplicas"] == "10")
        #expect(log.metadata["currentReplicas"] == "0")
        #expect(log.metadata["replicas"] == "4")
        #expect(log.metadata["maxReplicas"] == "4")
        #expect(outcome.nextPoll == .seconds(1))
    }

    @Test func settingsAreWrittenOnChangeFailureMissingGroupAndRefresh() {
        var reconciler = Reconciler(key: Self.key)
        var target = Self.target()
        let ok = Observation(settingsWrite: .success(()), metrics: .success(Self.stats(lag: 0)), scale: .success(ScaleState(replicas: 0)))
        let quiet = Observation(metrics: .success(Self.stats(lag: 0)), scale: .success(ScaleState(replicas: 0)))
        func step(_ at: Int64, _ observation: Observation) {
            _ = reconciler.decide(target: target, observation: observation, now: .seconds(at))
            _ = reconciler.finish(scaleResult: nil, now: .seconds(at))
        }
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(0)) == target.settings)
        step(0, ok)
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(1)) == nil)
        step(1, quiet)
        target.settings.maxRetries = 3
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(2)) == target.settings)
        step(2, Observation(settingsWrite: .failure(ControllerError(code: .failedWriteConfig, message: "x")),
                            metrics: .success(Self.stats(lag: 0)), scale: .success(ScaleState(replicas: 0))))
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(3)) == target.settings)
        step(3, ok)
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(4)) == nil)
        var missing = Self.stats(lag: 0)
        missing.groupExists = false
        step(4, Observation(metrics: .success(missing), scale: .success(ScaleState(replicas: 0))))
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(5)) == target.settings)
        step(5, ok)
        step(6, Observation(metrics: .failure(Self.redisDown), scale: .success(ScaleState(replicas: 0))))
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(7)) == target.settings)
        step(7, ok)
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(66)) == nil)
        #expect(reconciler.settingsToWrite(for: target, now: .seconds(67)) == target.settings)
    }

    @Test func statusIsWrittenOnlyWhenSomethingChanged() {
        var reconciler = Reconciler(key: Self.key)
        let target = Self.target(max: 10)
        #expect(Self.poll(&reconciler, target, at: 0, metrics: .success(Self.stats(lag: 400)), replicas: 4).outcome.status != nil)
        // Same figures: nothing to write.
        #expect(Self.poll(&reconciler, target, at: 1, metrics: .success(Self.stats(lag: 400)), replicas: 4).outcome.status == nil)
        // Figures moved within tolerance: not yet (refreshed every 10 s).
        #expect(Self.poll(&reconciler, target, at: 2, metrics: .success(Self.stats(lag: 390)), replicas: 4).outcome.status == nil)
        #expect(Self.poll(&reconciler, target, at: 9, metrics: .success(Self.stats(lag: 380)), replicas: 4).outcome.status == nil)
        let refreshed = Self.poll(&reconciler, target, at: 10, metrics: .success(Self.stats(lag: 380)), replicas: 4).outcome
        #expect(refreshed.status?.backlog == 380)
        // A scale change is written at once.
        let scaled = Self.poll(&reconciler, target, at: 11, metrics: .success(Self.stats(lag: 900)), replicas: 4).outcome
        #expect(scaled.status?.replicas == 9)
        #expect(scaled.status?.lastScaleTime == RFC3339.format(milliseconds: 11_000))
    }

    @Test func redisUnavailableHoldsBacksOffAndRecovers() {
        var reconciler = Reconciler(key: Self.key)
        let target = Self.target()
        Self.poll(&reconciler, target, at: 0, metrics: .success(Self.stats(lag: 300)), replicas: 0)
        var delays: [Duration?] = []
        var events: [QueueEvent] = []
        var first: ReconcileOutcome?
        for (i, t) in [1, 2, 4, 8, 16, 32, 64, 124].enumerated() {
            let (plan, outcome) = Self.poll(&reconciler, target, at: Int64(t), metrics: .failure(Self.redisDown), replicas: 3)
            #expect(plan.replicas == nil, "held at 3 on poll \(i)")
            #expect(plan.decision?.reason == .metricsUnavailable)
            delays.append(outcome.nextPoll)
            events += outcome.events
            if i == 0 { first = outcome }
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        #expect(events.map(\.reason) == ["RedisUnavailable"], "deduplicated")
        let status = try! #require(first?.status)
        #expect(status.condition(TaskQueueCondition.ready)?.status == .false)
        #expect(status.condition(TaskQueueCondition.ready)?.reason == "RedisUnavailable")
        #expect(status.condition(TaskQueueCondition.ready)?.message.contains("Holding 3 replicas") == true)
        #expect(status.condition(TaskQueueCondition.degraded)?.status == .true)
        #expect(status.condition(TaskQueueCondition.active)?.status == .unknown)
        #expect(status.backlog == 300, "last known figures are kept")
        #expect(first?.logs.contains { $0.level == .warning && $0.metadata["reason"] == "RedisUnavailable" } == true)

        let back = Self.poll(&reconciler, target, at: 200, metrics: .success(Self.stats(lag: 300)), replicas: 3).outcome
        #expect(back.nextPoll == .seconds(1))
        #expect(back.status?.condition(TaskQueueCondition.degraded)?.status == .false)
        #expect(back.status?.condition(TaskQueueCondition.ready)?.status == .true)
    }

    @Test func missingScaleTargetMakesNoDecision() {
        var reconciler = Reconciler(key: Self.key)
        let missing = ControllerError(code: .scaleTargetNotFound, message: "Deployment default/emails-worker not found")
        let (plan, outcome) = Self.poll(
            &reconciler, Self.target(), at: 0, metrics: .success(Self.stats(lag: 300)), replicas: 0, scaleRead: missing)
        #expect(plan.decision == nil)
        #expect(plan.replicas == nil)
        #expect(outcome.status?.condition(TaskQueueCondition.ready)?.reason == "ScaleTargetNotFound")
        #expect(outcome.status?.condition(TaskQueueCondition.scalingLimited)?.status == .unknown)
        #expect(outcome.events.map(\.reason) == ["ScaleTargetNotFound"])
        #expect(outcome.nextPoll == .seconds(1))
        #expect(Self.poll(&reconciler, Self.target(), at: 1, metrics: .success(Self.stats(lag: 300)), replicas: 0, scaleRead: missing)
            .outcome.nextPoll == .seconds(2))
    }

    @Test func failedRescaleKeepsTheOldCount() {
        var reconciler = Reconciler(key: Self.key)
        let conflict = ControllerError(code: .failedRescale, message: "Conflict writing /scale")
        let outcome = Self.poll(
            &reconciler, Self.target(), at: 0, metrics: .success(Self.stats(lag: 300)), replicas: 1, scaleError: conflict
        ).outcome
        #expect(outcome.status?.replicas == 1)
        #expect(outcome.status?.desiredReplicas == 3)
        #expect(outcome.status?.lastScaleTime == nil)
        #expect(outcome.events.map(\.reason) == ["FailedRescale"])
        #expect(outcome.logs.first?.message == "Scaling decision not applied")
    }

    @Test func invalidSpecIsDegradedOnce() {
        var reconciler = Reconciler(key: Self.key)
        let error = ControllerError(code: .invalidSpec, message: "spec.workers.maxReplicas: must be at least 1, got 0")
        let outcome = reconciler.reject(generation: 3, error: error, now: .seconds(5))
        #expect(outcome.nextPoll == nil)
        #expect(outcome.status?.observedGeneration == 3)
        #expect(outcome.status?.condition(TaskQueueCondition.ready)?.status == .false)
        #expect(outcome.status?.condition(TaskQueueCondition.ready)?.reason == "InvalidSpec")
        #expect(outcome.status?.condition(TaskQueueCondition.degraded)?.message.hasPrefix("spec.workers.maxReplicas") == true)
        #expect(outcome.events.map(\.type) == [.warning])
        #expect(outcome.logs.map(\.level) == [.error])
        let again = reconciler.reject(generation: 3, error: error, now: .seconds(6))
        #expect(again.status == nil)
        #expect(again.events.isEmpty)
        #expect(again.logs.map(\.level) == [.debug])
        // Fixed: Ready again, Degraded False, a new transition time.
        let fixed = Self.poll(&reconciler, Self.target(generation: 4), at: 7, metrics: .success(Self.stats(lag: 0)), replicas: 0).outcome
        #expect(fixed.status?.observedGeneration == 4)
        #expect(fixed.status?.condition(TaskQueueCondition.ready)?.status == .true)
        #expect(fixed.status?.condition(TaskQueueCondition.ready)?.lastTransitionTime == RFC3339.format(milliseconds: 7_000))
    }

    @Test func pausedHoldsTheCount() {
        var reconciler = Reconciler(key: Self.key)
        let (plan, outcome) = Self.poll(
            &reconciler, Self.target(paused: true), at: 0, metrics: .success(Self.stats(lag: 5000)), replicas: 2)
        #expect(plan.replicas == nil)
        #expect(plan.decision == nil)
        #expect(outcome.status?.condition(TaskQueueCondition.active)?.reason == "Paused")
        #expect(outcome.status?.replicas == 2)
    }

    @Test func drainsAndScalesToZeroAfterTheCooldown() {
        var reconciler = Reconciler(key: Self.key)
        let target = Self.target()
        #expect(Self.poll(&reconciler, target, at: 0, metrics: .success(Self.stats(lag: 1000)), replicas: 0).plan.replicas == 4)
        // Drained at t=5: held by the 60 s scale-down window, then the cooldown.
        var replicas: Int32 = 4
        var changes: [(Int64, Int32, ScalingReason)] = []
        for t in Int64(5)...130 {
            let plan = Self.poll(&reconciler, target, at: t, metrics: .success(Self.stats(lag: 0)), replicas: replicas).plan
            if let r = plan.replicas {
                changes.append((t, r, plan.decision!.reason))
                replicas = r
            }
        }
        #expect(changes.map(\.1) == [1, 0])
        #expect(changes.first?.0 == 60)
        #expect(changes.last?.0 == 65)
        #expect(changes.last?.2 == .scaledToZero)
    }

    @Test func transitionTimesStayUntilTheStatusFlips() {
        var reconciler = Reconciler(key: Self.key)
        let target = Self.target(max: 10)
        let first = Self.poll(&reconciler, target, at: 0, metrics: .success(Self.stats(lag: 400)), replicas: 4).outcome.status!
        #expect(first.condition(TaskQueueCondition.active)?.lastTransitionTime == RFC3339.format(milliseconds: 0_000))
        let later = Self.poll(&reconciler, target, at: 20, metrics: .success(Self.stats(lag: 390)), replicas: 4).outcome.status!
        #expect(later.condition(TaskQueueCondition.active)?.lastTransitionTime == RFC3339.format(milliseconds: 0_000))
        let down = Self.poll(&reconciler, target, at: 21, metrics: .failure(Self.redisDown), replicas: 4).outcome.status!
        #expect(down.condition(TaskQueueCondition.ready)?.lastTransitionTime == RFC3339.format(milliseconds: 21_000))
        #expect(down.condition(TaskQueueCondition.active)?.lastTransitionTime == RFC3339.format(milliseconds: 21_000))
    }

    @Test func crashingWorkersAreDegradedButReady() {
        var reconciler = Reconciler(key: Self.key)
        let crash = ControllerError(code: .workersCrashing, message: "2 worker processes exited in the last minute (last: exit code 3)")
        let outcome = Self.poll(
            &reconciler, Self.target(), at: 0, metrics: .success(Self.stats(lag: 100)), replicas: 1, targetProblems: [crash]
        ).outcome
        #expect(outcome.nextPoll == .seconds(1), "no backoff: the queue and the pool still work")
        #expect(outcome.status?.condition(TaskQueueCondition.ready)?.status == .true)
        #expect(outcome.status?.condition(TaskQueueCondition.degraded)?.reason == "WorkersCrashing")
        #expect(outcome.events.map(\.reason) == ["WorkersCrashing"])
    }

    @Test func quietPollsLogAtDebug() {
        var reconciler = Reconciler(key: Self.key)
        let target = Self.target(max: 10)
        #expect(Self.poll(&reconciler, target, at: 0, metrics: .success(Self.stats(lag: 400)), replicas: 4).outcome.logs.first?.level == .info)
        let quiet = Self.poll(&reconciler, target, at: 1, metrics: .success(Self.stats(lag: 400)), replicas: 4).outcome
        #expect(quiet.logs.first?.level == .debug)
        #expect(quiet.logs.first?.message == "Holding workers")
    }
}

@Suite struct EventLimitTests {
    @Test func identicalEventsAreDeduplicatedAndBurstsCapped() {
        var configuration = ReconcilerConfiguration()
        configuration.eventBurst = 3
        configuration.eventRefillSeconds = 10
        var reconciler = Reconciler(key: ReconcilerTests.key, configuration: configuration)
        let target = ReconcilerTests.target(max: 1000, perReplica: 1)
        var emitted: [Int64] = []
        // A different count every second: a new SuccessfulRescale each time.
        for t in Int64(0)..<30 {
            let outcome = ReconcilerTests.poll(
                &reconciler, target, at: t, metrics: .success(ReconcilerTests.stats(lag: 2 * t + 2)), replicas: Int32(t)
            ).outcome
            if !outcome.events.isEmpty { emitted.append(t) }
        }
        #expect(emitted == [0, 1, 2, 10, 20])
    }
}
