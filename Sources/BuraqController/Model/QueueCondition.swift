import BuraqScaling

/// One status condition in the shape of `metav1.Condition`.
public struct QueueCondition: Sendable, Hashable, Codable {
    /// The condition types a TaskQueue has.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The controller reads the queue and manages the workload.
        case ready = "Ready"
        /// The queue has work (above the activation threshold, or tasks in flight).
        case active = "Active"
        /// A limit (max/min replicas, a policy, a window) bounded the replica count.
        case scalingLimited = "ScalingLimited"
        /// Something is wrong that a person should look at.
        case degraded = "Degraded"
    }

    /// `True`, `False` or `Unknown`.
    public enum Status: String, Sendable, Hashable, Codable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    /// The condition type.
    public var type: Kind
    /// Its status.
    public var status: Status
    /// One CamelCase word.
    public var reason: String
    /// A sentence with the numbers behind it.
    public var message: String
    /// When `status` last changed.
    public var lastTransitionTime: ScalingTime
    /// The generation the condition was set for.
    public var observedGeneration: Int64

    /// Creates a condition.
    public init(
        type: Kind, status: Status, reason: String, message: String, lastTransitionTime: ScalingTime,
        observedGeneration: Int64
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.observedGeneration = observedGeneration
    }

    /// Same type, status and reason (a message-only change is not a transition).
    func sameState(as other: QueueCondition) -> Bool {
        type == other.type && status == other.status && reason == other.reason
    }
}
