import BuraqAPI
import BuraqQueue
import BuraqScaling

/// What one poll read: the result of the settings write (if one was asked for), the queue
/// figures and the workload's scale.
public struct Observation: Sendable, Equatable {
    /// `nil` when no write was asked for.
    public var settingsWrite: Result<Void, ControllerError>?
    /// The queue figures from Redis.
    public var metrics: Result<QueueStats, ControllerError>
    /// The workload's scale.
    public var scale: Result<ScaleState, ControllerError>
    /// Problems of the scale target itself (local mode: crashing workers); reported, not fatal.
    public var targetProblems: [ControllerError]

    /// Creates an observation.
    public init(
        settingsWrite: Result<Void, ControllerError>? = nil, metrics: Result<QueueStats, ControllerError>,
        scale: Result<ScaleState, ControllerError>, targetProblems: [ControllerError] = []
    ) {
        self.settingsWrite = settingsWrite
        self.metrics = metrics
        self.scale = scale
        self.targetProblems = targetProblems
    }

    public static func == (lhs: Observation, rhs: Observation) -> Bool {
        func same<T: Equatable>(_ a: Result<T, ControllerError>?, _ b: Result<T, ControllerError>?) -> Bool {
            switch (a, b) {
            case (nil, nil): true
            case (.success(let x)?, .success(let y)?): x == y
            case (.failure(let x)?, .failure(let y)?): x == y
            default: false
            }
        }
        let writes: Bool =
            switch (lhs.settingsWrite, rhs.settingsWrite) {
            case (nil, nil), (.success?, .success?): true
            case (.failure(let x)?, .failure(let y)?): x == y
            default: false
            }
        return writes && same(lhs.metrics, rhs.metrics) && same(lhs.scale, rhs.scale)
            && lhs.targetProblems == rhs.targetProblems
    }
}

/// The decision of one poll, before it is applied.
public struct ScalePlan: Sendable, Equatable {
    /// The replica count to write; `nil` when nothing is to be written.
    public var replicas: Int32?
    /// The autoscaler's decision (`nil` when none could be made: scale unknown, queue paused).
    public var decision: ScalingDecision?
}

/// Something the caller must do after a poll.
public enum ReconcileAction: Sendable, Equatable {
    /// Write this status (it changed).
    case updateStatus(TaskQueueStatus)
    /// Emit this Event (already deduplicated and rate-limited).
    case emitEvent(QueueEvent)
    /// Write this log line.
    case log(LogLine)
}

/// The end of one poll: what to do, and when to poll again.
public struct ReconcileOutcome: Sendable, Equatable {
    /// Status, Events and log lines, in order.
    public var actions: [ReconcileAction]
    /// When to poll next (`nil`: not until the spec changes).
    public var nextPoll: Duration?

    /// The status to write, if any.
    public var status: TaskQueueStatus? {
        for case .updateStatus(let status) in actions { return status }
        return nil
    }

    /// The Events to emit.
    public var events: [QueueEvent] {
        actions.compactMap { if case .emitEvent(let event) = $0 { event } else { nil } }
    }

    /// The log lines.
    public var logs: [LogLine] {
        actions.compactMap { if case .log(let line) = $0 { line } else { nil } }
    }
}
