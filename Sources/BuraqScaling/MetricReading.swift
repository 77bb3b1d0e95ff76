/// The one value scaling is computed from, plus the in-flight count used to decide idleness.
public struct MetricReading: Sendable, Equatable, Codable {
    /// Which metric `value` is.
    public var metric: ScalingMetric
    /// The metric's value; `nil` when unknown. Negative values are taken as 0.
    public var value: Int64?
    /// Tasks in flight; `nil` when unknown.
    public var inFlight: Int64?
    /// The inputs that were unknown, for messages (e.g. `["lag"]`).
    public var missing: [String]

    /// Creates a reading directly (the simulator does; the controller uses `QueueMetrics.reading(for:)`).
    public init(metric: ScalingMetric, value: Int64?, inFlight: Int64?, missing: [String] = []) {
        self.metric = metric
        self.value = value.map { max($0, 0) }
        self.inFlight = inFlight.map { max($0, 0) }
        self.missing = value == nil && missing.isEmpty ? [metric.rawValue] : missing
    }

    /// Nothing to do and nothing running: the value and the in-flight count are both known and zero.
    public var isIdle: Bool {
        value == 0 && inFlight == 0
    }
}
