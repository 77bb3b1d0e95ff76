import BuraqAPI
import BuraqQueue
import BuraqScaling
import Logging

/// The reconcile state machine of one TaskQueue: no I/O, time passed in, so every path is tested
/// without Redis, Kubernetes or sleeping.
///
/// One poll is three calls:
/// 1. ``settingsToWrite(for:now:)`` — whether the poll must write the queue's config hash
///    (and make sure the stream and group exist) before reading;
/// 2. ``decide(target:observation:now:)`` — the `BuraqScaling` decision from the queue figures
///    and the workload's scale, and the replica count to write, if any;
/// 3. ``finish(scaleResult:now:)`` — after the write: the status (only when it changed),
///    deduplicated and rate-limited Events, log lines, and when to poll next.
///
/// An invalid spec goes to ``reject(generation:error:now:)`` instead.
public struct Reconciler: Sendable {
    /// The TaskQueue this reconciles.
    public let key: TaskQueueKey
    /// Tuning.
    public let configuration: ReconcilerConfiguration

    /// The autoscaler's memory, carried from decision to decision.
    public private(set) var history = ScalingHistory()
    /// The status last handed out for writing.
    public private(set) var writtenStatus: TaskQueueStatus?
    private var statusWrittenAt: ScalingTime?
    // Settings are kept as their hash (about 100 bytes each otherwise, for every TaskQueue). A
    // collision would hide a change until the next refresh (`settingsRefreshSeconds`).
    private var writtenSettings: Int?
    private var settingsWrittenAt: ScalingTime?
    private var requestedSettings: Int?
    private var groupMissing = false
    private var events: EventLimiter
    private var failedPolls = 0
    private var lastProblems: [ControllerError] = []
    var lastLogged: (replicas: Int32, reason: String)?
    private var lastScaleTime: ScalingTime?
    /// What `decide` left for `finish`; boxed, so a reconciler between polls (the state every
    /// TaskQueue keeps) does not carry the poll's inline storage (about 500 bytes).
    private var pending: PendingPoll?

    private indirect enum PendingPoll: Sendable {
        case waiting(Poll)
    }

    /// What `decide` leaves for `finish`.
    struct Poll: Sendable {
        var target: QueueTarget
        var stats: QueueStats?
        var scale: ScaleState?
        var decision: ScalingDecision?
        var problems: [ControllerError]
        var blocking: Bool
    }

    /// A reconciler for a TaskQueue seen for the first time.
    public init(key: TaskQueueKey, configuration: ReconcilerConfiguration = ReconcilerConfiguration()) {
        self.key = key
        self.configuration = configuration
        self.events = EventLimiter(
            dedupSeconds: configuration.eventDedupSeconds, burst: configuration.eventBurst,
            refillSeconds: configuration.eventRefillSeconds)
    }

    // MARK: 1. Before reading

    /// The settings to write this poll, or `nil`. They are written when they changed, when the
    /// last write failed or Redis failed, when the consumer group went missing (Redis restarted
    /// empty), and every `settingsRefreshSeconds`.
    public mutating func settingsToWrite(for target: QueueTarget, now: ScalingTime) -> QueueSettings? {
        let stale = settingsWrittenAt.map {
            now.milliseconds(since: $0) >= configuration.settingsRefreshSeconds * 1000
        } ?? true
        let settings = target.settings.hashValue
        if writtenSettings != settings || stale || groupMissing {
            requestedSettings = settings
            return target.settings
        }
        requestedSettings = nil
        return nil
    }

    // MARK: 2. Decide

    /// Decides the replica count from what the poll read.
    public mutating func decide(target: QueueTarget, observation: Observation, now: ScalingTime) -> ScalePlan {
        var problems: [ControllerError] = []
        var blocking = false
        switch observation.settingsWrite {
        case .success?:
            writtenSettings = requestedSettings
            settingsWrittenAt = now
        case .failure(let error)?:
            writtenSettings = nil
            problems.append(error)
        case nil:
            break
        }
        requestedSettings = nil
        var stats: QueueStats?
        switch observation.metrics {
        case .success(let value):
            stats = value
            groupMissing = !value.groupExists
        case .failure(let error):
            problems.append(error)
            blocking = true
            writtenSettings = nil
        }
        var scale: ScaleState?
        switch observation.scale {
        case .success(let value): scale = value
        case .failure(let error):
            problems.append(error)
            blocking = true
        }
        problems += observation.targetProblems

        var plan = ScalePlan(replicas: nil, decision: nil)
        if let scale, !target.settings.paused {
            let metrics =
                stats.map {
                    QueueMetrics(lag: $0.lag, pending: $0.pending, length: $0.length, scheduled: $0.scheduled)
                } ?? QueueMetrics()
            let decision = Autoscaler.decide(
                metrics: metrics, spec: target.scaling, currentReplicas: scale.replicas, history: history, now: now,
                statusReplicas: scale.statusReplicas)
            history = decision.history
            plan.decision = decision
            if decision.replicas != scale.replicas { plan.replicas = decision.replicas }
        }
        pending = .waiting(Poll(
            target: target, stats: stats, scale: scale, decision: plan.decision, problems: problems, blocking: blocking))
        return plan
    }

    // MARK: 3. Finish

    /// Status, Events and logs for the poll, given how the scale write went (`nil`: none was made).
    public mutating func finish(scaleResult: Result<Void, ControllerError>?, now: ScalingTime) -> ReconcileOutcome {
        guard case .waiting(var poll)? = pending else { return ReconcileOutcome(actions: [], nextPoll: nil) }
        pending = nil
        var actions: [ReconcileAction] = []
        var replicas = poll.scale?.replicas
        var scaled = false
        if case .failure(let error)? = scaleResult {
            poll.problems.append(error)
        } else if scaleResult != nil, let decision = poll.decision {
            replicas = decision.replicas
            lastScaleTime = now
            scaled = true
        }
        failedPolls = poll.blocking ? failedPolls + 1 : 0
        let nextPoll = backoff(interval: poll.target.pollingInterval)

        if let decision = poll.decision, configuration.debugLogs || decisionIsNews(decision) {
            actions.append(.log(decisionLog(poll, decision: decision, scaled: scaled, now: now)))
            if scaled {
                emit(
                    QueueEvent(
                        type: .normal, reason: "SuccessfulRescale",
                        message: "New size: \(decision.replicas); reason: \(decision.message)"),
                    now: now, into: &actions)
            }
        }
        for problem in poll.problems {
            let isNew = !lastProblems.contains(problem)
            if isNew || configuration.debugLogs {
                actions.append(.log(problemLog(problem, target: poll.target, retryIn: nextPoll, level: isNew ? .warning : .debug)))
            }
            emit(QueueEvent(type: .warning, reason: problem.code.rawValue, message: problem.message), now: now, into: &actions)
        }
        lastProblems = poll.problems

        var status = writtenStatus ?? TaskQueueStatus(observedGeneration: poll.target.generation)
        status.observedGeneration = poll.target.generation
        if let stats = poll.stats {
            status.backlog = stats.backlog
            status.lag = stats.lag
            status.pending = stats.pending
            status.scheduled = stats.scheduled
            status.deadLetters = stats.deadLetters
        }
        status.replicas = replicas ?? status.replicas
        status.desiredReplicas = poll.decision?.replicas ?? status.desiredReplicas
        status.lastScaleTime = lastScaleTime.map { RFC3339.sharedSecond(milliseconds: $0.milliseconds) }
        status.conditions = conditions(for: poll, replicas: replicas, retryIn: nextPoll, now: now)
        offer(status, now: now, into: &actions)
        return ReconcileOutcome(actions: actions, nextPoll: nextPoll)
    }

    // MARK: Invalid spec

    /// Reports an invalid spec: Ready False and Degraded True with the field at fault, a Warning
    /// Event and an error log line. Nothing is scaled; the next poll waits for a new spec.
    public mutating func reject(generation: Int64, error: ControllerError, now: ScalingTime) -> ReconcileOutcome {
        pending = nil
        var actions: [ReconcileAction] = []
        let isNew = !lastProblems.contains(error)
        lastProblems = [error]
        var metadata = error.context
        metadata["taskQueue"] = key.description
        metadata["generation"] = "\(generation)"
        metadata["reason"] = error.code.rawValue
        metadata["detail"] = error.message
        if isNew || configuration.debugLogs {
            actions.append(.log(LogLine(level: isNew ? .error : .debug, message: "Rejected invalid TaskQueue", metadata: metadata)))
        }
        emit(QueueEvent(type: .warning, reason: error.code.rawValue, message: error.message), now: now, into: &actions)
        var status = writtenStatus ?? TaskQueueStatus(observedGeneration: generation)
        status.observedGeneration = generation
        let fix = "\(error.message). The TaskQueue is not reconciled until it is fixed; other TaskQueues are unaffected."
        status.conditions = [
            condition(TaskQueueCondition.ready, .false, error.code.rawValue, fix, generation: generation, now: now),
            condition(TaskQueueCondition.active, .unknown, error.code.rawValue, "The spec is invalid", generation: generation, now: now),
            condition(TaskQueueCondition.scalingLimited, .unknown, error.code.rawValue, "The spec is invalid", generation: generation, now: now),
            condition(TaskQueueCondition.degraded, .true, error.code.rawValue, fix, generation: generation, now: now),
        ]
        offer(status, now: now, into: &actions)
        return ReconcileOutcome(actions: actions, nextPoll: nil)
    }

    // MARK: Helpers

    private func backoff(interval: Duration) -> Duration {
        guard failedPolls > 0 else { return interval }
        let base = max(interval, .seconds(1))
        let factor = Int64(1) << Int64(min(failedPolls - 1, 16))
        return min(base * Int(factor), .seconds(configuration.maxBackoffSeconds))
    }

    private mutating func emit(_ event: QueueEvent, now: ScalingTime, into actions: inout [ReconcileAction]) {
        if events.admit(event, at: now) { actions.append(.emitEvent(event)) }
    }

    /// Adds the status when a reader must see it now, or when only figures changed and the last
    /// write is `statusRefreshSeconds` old.
    private mutating func offer(_ status: TaskQueueStatus, now: ScalingTime, into actions: inout [ReconcileAction]) {
        if let written = writtenStatus {
            if written == status { return }
            if !status.differsStructurally(from: written), let at = statusWrittenAt,
                now.milliseconds(since: at) < configuration.statusRefreshSeconds * 1000
            {
                return
            }
        }
        writtenStatus = status
        statusWrittenAt = now
        actions.append(.updateStatus(status))
    }

    func condition(
        _ type: String, _ status: Condition.Status, _ reason: String, _ message: String,
        generation: Int64, now: ScalingTime
    ) -> Condition {
        let previous = writtenStatus?.condition(type)
        let since =
            previous.flatMap { $0.status == status ? $0.lastTransitionTime : nil }
            ?? RFC3339.sharedSecond(milliseconds: now.milliseconds)
        return Condition(
            type: type, status: status, observedGeneration: generation, lastTransitionTime: since, reason: reason,
            message: message)
    }
}
