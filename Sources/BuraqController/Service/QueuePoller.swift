import BuraqQueue
import BuraqScaling
import Logging

/// One TaskQueue's polls: read, decide, scale, report. ``ControllerService`` calls
/// ``pollOnce()`` when the TaskQueue falls due and schedules the next poll after the wait it
/// returns; between polls a TaskQueue is this small value and its reconciler, not a task.
struct QueuePoller: Sendable {
    let handle: QueueHandle
    let environment: ControllerEnvironment
    /// Tells this TaskQueue's polls from those of an earlier TaskQueue with the same key.
    let id: UInt64
    private let state: State

    /// The reconciler between polls; only one poll of a TaskQueue runs at a time.
    final class State: @unchecked Sendable {
        var reconciler: Reconciler
        var lastQueue: String?
        init(_ reconciler: Reconciler) { self.reconciler = reconciler }
    }

    init(handle: QueueHandle, environment: ControllerEnvironment, id: UInt64) {
        self.handle = handle
        self.environment = environment
        self.id = id
        self.state = State(Reconciler(key: handle.key, configuration: environment.reconciler))
    }

    /// One poll; returns the wait from its start to the next poll.
    func pollOnce() async -> Duration {
        await pollOnce(state)
    }

    /// Drops this TaskQueue's figures from the observer (after it was deleted).
    func forget() {
        environment.observer.forget(handle.key, queue: state.lastQueue ?? "")
    }

    private func pollOnce(_ state: State) async -> Duration {
        let spec = handle.spec
        switch spec.target {
        case .failure(let error):
            let now = ScalingTime(milliseconds: environment.wallClock.nowMilliseconds())
            await apply(state.reconciler.reject(generation: spec.generation, error: error, now: now), to: &state.reconciler)
            return .seconds(1)
        case .success(let target):
            state.lastQueue = target.queue
            return await poll(target, reconciler: &state.reconciler)
        }
    }

    /// One poll; returns the wait before the next.
    func poll(_ target: QueueTarget, reconciler: inout Reconciler) async -> Duration {
        let started = ContinuousClock.now
        let env = environment
        var now = ScalingTime(milliseconds: env.wallClock.nowMilliseconds())
        let settings = reconciler.settingsToWrite(for: target, now: now)
        async let scaleRead = env.scaleTarget.scale(of: target)
        let reading = await env.metrics.read(target, writing: settings)
        let scale = await scaleRead
        let problems = await env.scaleTarget.problems(of: target)
        now = ScalingTime(milliseconds: env.wallClock.nowMilliseconds())
        let plan = reconciler.decide(
            target: target,
            observation: Observation(
                settingsWrite: reading.settingsWrite, metrics: reading.metrics, scale: scale, targetProblems: problems),
            now: now)
        var result: Result<Void, ControllerError>?
        if let replicas = plan.replicas, case .success(let current) = scale {
            var idle: [String] = []
            if replicas < current.replicas, case .success(let workers) = await env.metrics.workers(of: target) {
                idle = workers.filter { $0.inFlight == 0 }.map(\.id)
            }
            result = await env.scaleTarget.setReplicas(replicas, for: target, from: current, idleWorkers: idle)
        }
        let outcome = reconciler.finish(scaleResult: result, now: now)
        await apply(outcome, to: &reconciler)

        var problemsSeen: [ControllerError] = []
        if case .failure(let e) = reading.metrics { problemsSeen.append(e) }
        if case .failure(let e)? = reading.settingsWrite { problemsSeen.append(e) }
        if case .failure(let e) = scale { problemsSeen.append(e) }
        if case .failure(let e)? = result { problemsSeen.append(e) }
        let stats = try? reading.metrics.get()
        let scaledTo: Int32? = (try? result?.get()) != nil ? plan.replicas : (try? scale.get())?.replicas
        env.observer.observe(
            PollReport(
                key: target.key, queue: target.queue,
                stats: stats.map {
                    QueueStatsSnapshot(
                        backlog: $0.backlog, lag: $0.lag, pending: $0.pending, scheduled: $0.scheduled,
                        deadLetters: $0.deadLetters)
                },
                replicas: scaledTo, desiredReplicas: plan.decision?.replicas, reason: plan.decision?.reason.rawValue,
                scaled: (try? result?.get()) != nil, duration: ContinuousClock.now - started, problems: problemsSeen + problems))
        return outcome.nextPoll ?? target.pollingInterval
    }

    private func apply(_ outcome: ReconcileOutcome, to reconciler: inout Reconciler) async {
        for action in outcome.actions {
            switch action {
            case .log(let line):
                line.write(to: environment.logger)
            case .emitEvent(let event):
                await environment.status.emit(event, for: handle.key)
            case .updateStatus(let status):
                if case .failure(let error) = await environment.status.updateStatus(status, for: handle.key) {
                    reconciler.statusWriteFailed()
                    environment.logger.warning(
                        "Failed to update status",
                        metadata: ["taskQueue": "\(handle.key)", "reason": "\(error.code)", "detail": "\(error.message)"])
                }
            }
        }
    }
}
