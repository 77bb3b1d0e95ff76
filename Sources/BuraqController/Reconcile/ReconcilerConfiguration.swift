/// Tuning of the `Reconciler`; the defaults suit both modes.
public struct ReconcilerConfiguration: Sendable, Equatable {
    /// A status whose only changes are queue figures or condition messages is written at most
    /// this often; other changes are written at once.
    public var statusRefreshSeconds: Int64 = 10
    /// An identical Event is not repeated within this window.
    public var eventDedupSeconds: Int64 = 600
    /// Events one TaskQueue may emit in a burst.
    public var eventBurst: Int = 20
    /// One more Event is allowed every this many seconds after a burst.
    public var eventRefillSeconds: Int64 = 15
    /// The settings hash is written again this often even when unchanged (Redis may have lost it).
    public var settingsRefreshSeconds: Int64 = 60
    /// Longest wait between polls while Redis or the scale target keep failing.
    public var maxBackoffSeconds: Int64 = 60

    /// Whether to produce `debug` lines (a decision that changed nothing, a lasting problem).
    /// Off unless the log level is `debug` or lower: building them costs CPU at 1,000 polls a second.
    public var debugLogs: Bool = true

    /// The defaults.
    public init() {}
}
