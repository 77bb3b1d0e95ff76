import BuraqQueue
import Logging

/// Everything the reconcile loops share: the seams (Redis, scale target, status), the clocks and the logger.
public struct ControllerEnvironment: Sendable {
    /// Queue figures and settings writes.
    public var metrics: any QueueMetricsSource
    /// The workloads.
    public var scaleTarget: any ScaleTarget
    /// Statuses and Events.
    public var status: any StatusSink
    /// Metrics about the controller.
    public var observer: any ControllerObserver
    /// Tuning of each TaskQueue's reconciler.
    public var reconciler: ReconcilerConfiguration
    /// Wall-clock time for decisions (ms since the epoch).
    public var wallClock: any WallClock
    /// Whether this controller may write (the leader; always true without leader election).
    public var mayWrite: @Sendable () -> Bool
    /// Logs.
    public var logger: Logger

    /// Creates an environment.
    public init(
        metrics: any QueueMetricsSource, scaleTarget: any ScaleTarget, status: any StatusSink,
        observer: any ControllerObserver = NoObserver(), reconciler: ReconcilerConfiguration = ReconcilerConfiguration(),
        wallClock: any WallClock = SystemWallClock(), mayWrite: @escaping @Sendable () -> Bool = { true },
        logger: Logger = Logger(label: "buraq.controller")
    ) {
        self.metrics = metrics
        self.scaleTarget = scaleTarget
        self.status = status
        self.observer = observer
        var reconciler = reconciler
        if logger.logLevel > .debug { reconciler.debugLogs = false }
        self.reconciler = reconciler
        self.wallClock = wallClock
        self.mayWrite = mayWrite
        self.logger = logger
    }
}
