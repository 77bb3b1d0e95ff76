import BuraqQueue

/// What one poll reads from a queue's Redis: optionally the settings write (with the stream and
/// group made sure of), and the queue figures.
public struct QueueReading: Sendable {
    /// `nil` when no settings were given.
    public var settingsWrite: Result<Void, ControllerError>?
    /// Lag, pending, length, scheduled, dead letters.
    public var metrics: Result<QueueStats, ControllerError>

    /// Creates a reading.
    public init(settingsWrite: Result<Void, ControllerError>?, metrics: Result<QueueStats, ControllerError>) {
        self.settingsWrite = settingsWrite
        self.metrics = metrics
    }
}

/// Where the controller reads queue figures and writes queue settings: Redis, or memory in tests.
public protocol QueueMetricsSource: Sendable {
    /// Writes `settings` when given (creating the stream and group if missing), then reads the figures.
    func read(_ target: QueueTarget, writing settings: QueueSettings?) async -> QueueReading
    /// The queue's live workers, from their heartbeats (to pick idle ones before a scale-down).
    func workers(of target: QueueTarget) async -> Result<[WorkerHeartbeat], ControllerError>
}
