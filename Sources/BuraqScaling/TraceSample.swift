/// One sample of a metric trace: at `time`, the queue's backlog and its in-flight count.
public struct TraceSample: Sendable, Equatable, Codable {
    /// Time since the start of the trace.
    public var time: ScalingTime
    /// Backlog (lag + pending); `nil` when unknown (an empty CSV field or JSON `null`).
    public var backlog: Int64?
    /// Tasks in flight; `nil` when unknown.
    public var inFlight: Int64?

    /// Creates a sample.
    public init(time: ScalingTime, backlog: Int64?, inFlight: Int64?) {
        self.time = time
        self.backlog = backlog
        self.inFlight = inFlight
    }
}
