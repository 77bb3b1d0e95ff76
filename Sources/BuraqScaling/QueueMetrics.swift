/// One reading of a queue's figures, as the controller gets them from Redis.
///
/// Every figure is optional: `nil` means unknown (Redis unreachable, or, for `lag`, Redis
/// reporting a NULL lag after XDEL or XGROUP SETID). Unknown is never taken as zero.
public struct QueueMetrics: Sendable, Equatable, Codable {
    /// Entries not yet delivered to the group (XINFO GROUPS `lag`).
    public var lag: Int64?
    /// Entries delivered and not yet acknowledged (XINFO GROUPS `pending`).
    public var pending: Int64?
    /// Stream length (XLEN).
    public var length: Int64?
    /// Delayed and retrying tasks in the scheduled set. Reported only: not part of the backlog
    /// until they fall due and are moved to the stream.
    public var scheduled: Int64?
    /// Tasks handlers are running now, as the workers report it. When unknown, `pending`
    /// stands in for it (a delivered, unacknowledged entry is in flight as far as Redis knows).
    public var inFlight: Int64?

    /// Creates a reading; omitted figures are unknown.
    public init(
        lag: Int64? = nil, pending: Int64? = nil, length: Int64? = nil,
        scheduled: Int64? = nil, inFlight: Int64? = nil
    ) {
        self.lag = lag
        self.pending = pending
        self.length = length
        self.scheduled = scheduled
        self.inFlight = inFlight
    }

    /// `lag + pending`, or `nil` when either is unknown.
    public var backlog: Int64? {
        guard let lag, let pending else { return nil }
        let (sum, overflow) = max(lag, 0).addingReportingOverflow(max(pending, 0))
        return overflow ? .max : sum
    }

    /// The value of `metric` and the in-flight count, as the autoscaler consumes them.
    public func reading(for metric: ScalingMetric) -> MetricReading {
        var missing: [String] = []
        let value: Int64?
        switch metric {
        case .backlog:
            if lag == nil { missing.append("lag") }
            if pending == nil { missing.append("pending") }
            value = backlog
        case .lag:
            if lag == nil { missing.append("lag") }
            value = lag
        case .pending:
            if pending == nil { missing.append("pending") }
            value = pending
        case .length:
            if length == nil { missing.append("length") }
            value = length
        }
        return MetricReading(metric: metric, value: value, inFlight: inFlight ?? pending, missing: missing)
    }
}
