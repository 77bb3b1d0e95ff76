/// Which queue figure drives scaling (`spec.scaling.metric`).
public enum ScalingMetric: String, Sendable, Codable, CaseIterable {
    /// `lag + pending`: entries not yet delivered plus entries delivered and not yet acknowledged.
    /// The default, and the only one that counts all outstanding work.
    case backlog
    /// Entries not yet delivered to the consumer group (XINFO GROUPS `lag`).
    case lag
    /// Entries delivered and not yet acknowledged (the group's pending entries list).
    case pending
    /// The stream length (XLEN), including processed entries the stream still retains.
    case length
}
