/// A Kubernetes Event about a TaskQueue (logged in local mode).
public struct QueueEvent: Sendable, Hashable {
    /// `Normal` or `Warning`.
    public enum Kind: String, Sendable, Hashable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Normal or Warning.
    public var type: Kind
    /// One CamelCase word, e.g. `SuccessfulRescale`, `RedisUnavailable`.
    public var reason: String
    /// A sentence with the numbers.
    public var message: String

    /// Creates an event.
    public init(type: Kind, reason: String, message: String) {
        self.type = type
        self.reason = reason
        self.message = message
    }
}
