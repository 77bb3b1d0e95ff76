/// What a bearer token may do. `write` includes `read`.
public enum AccessScope: String, Sendable, Hashable, Comparable, CaseIterable {
    /// GET endpoints: queues, stats, dead letters, workers, events.
    case read
    /// Also POST endpoints: enqueue, batch enqueue, dead-letter requeue.
    case write

    public static func < (a: AccessScope, b: AccessScope) -> Bool { a == .read && b == .write }
}
