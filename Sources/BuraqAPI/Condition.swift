/// One status condition, in the shape of Kubernetes `metav1.Condition`.
public struct Condition: Sendable, Equatable, Codable {
    /// `True`, `False` or `Unknown`.
    public enum Status: String, Sendable, Equatable, Codable, CaseIterable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    /// CamelCase type, e.g. `Ready`.
    public var type: String
    /// Whether the condition holds.
    public var status: Status
    /// The `metadata.generation` the condition was set for.
    public var observedGeneration: Int64?
    /// RFC 3339 time `status` last changed.
    public var lastTransitionTime: String
    /// One CamelCase word for machines, e.g. `ScaledUp`.
    public var reason: String
    /// A sentence for people, with the numbers behind it.
    public var message: String

    /// Creates a condition.
    public init(
        type: String, status: Status, observedGeneration: Int64? = nil, lastTransitionTime: String, reason: String,
        message: String
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
