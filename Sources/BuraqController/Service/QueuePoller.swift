import BuraqQueue
import BuraqScaling
import Logging
import Synchronization

/// One TaskQueue's polls: read, decide, scale, report. ``ControllerService`` calls
/// ``pollOnce(_:)`` when the TaskQueue falls due and schedules the next poll after the wait it
/// returns; between polls a TaskQueue is this object (its latest spec and reconciler), not a task.
/// The environment is passed to each poll rather than stored, so 1,000 TaskQueues do not keep
/// 1,000 copies of it.
final class QueuePoller: @unchecked Sendable {
    /// A TaskQueue's spec as the source last reported it.
    struct Spec: Sendable {
        var generation: Int64
        var target: Result<QueueTarget, ControllerError>
    }

    let key: TaskQueueKey
    /// Tells this TaskQueue's polls from those of an earlier TaskQueue with the same key.
    let id: UInt64
    /// Written by the scheduling loop when the source reports a change, read by each poll.
    private let latest: Mutex<Spec>
    // Mutable state: touched only by this TaskQueue's poll, and the scheduler starts the next
    // poll only after the previous one finished (the event it sends orders the two).
    private var reconciler: Reconciler
    private var lastQueue: String?

    init(key: TaskQueueKey, spec: Spec, id: UInt64, configuration: ReconcilerConfiguration) {
        self.key = key
        self.id = id
        self.latest = Mutex(spec)
        self.reconciler = Reconciler(key: key, configuration: configuration)
    }

    /// The spec the next poll uses.
    var spec: Spec { latest.withLock { $0 } }

    /// Takes a new spec from the source.
    func update(_ spec: Spec) { latest.withLock { $0 = spec } }

    /// One poll; returns the wait from its start to the next poll.
    func pollOnce(_ environment: ControllerEnvironment) async -> Duration {
        let spec = self.spec
        switch spec.target {
        case .failure(let error):
            let now = ScalingTime(milliseconds: environment.wallClock.nowMilliseconds())
            let outcome = reconciler.reject(generation: spec.generation, error: error, now: now)
            await apply(outcome, environment)
            return .seconds(1)
        case .success(let target):
            lastQueue = target.queue
            return await poll(target, environment)
        }
    }

    /// Drops this TaskQueue's figures from the observer and its waiting status (after it was deleted).
    func forget(_ environment: ControllerEnvironment) {
        environment.observer.forget(key, queue: lastQueue ?? "")
        environment.status.forget(key)
    }

    /// One poll; returns the wait before the next.
    private func poll(_ target: QueueTarget, _ env: ControllerEnvironment) async -> Duration {
        let started = ContinuousClock.now
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
        await apply(outcome, env)

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

    private func apply(_ outcome: ReconcileOutcome, _ environment: ControllerEnvironment) async {
        for action in outcome.actions {
            switch action {
            case .log(let line):
                line.write(to: environment.logger)
            case .emitEvent(let event):
                await environment.status.emit(event, for: key)
            case .updateStatus(let status):
                await environment.status.updateStatus(status, for: key)
            }
        }
    }
}
