/// Names one TaskQueue: `namespace/name` on Kubernetes; in local mode the namespace is `local`.
public struct TaskQueueKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The namespace (`local` for TaskQueues read from files).
    public var namespace: String
    /// The TaskQueue's `metadata.name`.
    public var name: String

    /// Creates a key.
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`.
    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: TaskQueueKey, rhs: TaskQueueKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
