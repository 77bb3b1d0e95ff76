/// One decision of a simulation.
public struct SimulationStep: Sendable, Equatable, Codable {
    /// The sample's time.
    public var time: ScalingTime
    /// The sample's backlog (`nil`: unknown).
    public var backlog: Int64?
    /// The sample's in-flight count (`nil`: unknown).
    public var inFlight: Int64?
    /// Replicas before the decision.
    public var previousReplicas: Int32
    /// Replicas after it.
    public var replicas: Int32
    /// The rule that decided.
    public var reason: ScalingReason
    /// The decision's sentence.
    public var message: String

    /// Creates a step.
    public init(
        time: ScalingTime, backlog: Int64?, inFlight: Int64?, previousReplicas: Int32, replicas: Int32,
        reason: ScalingReason, message: String
    ) {
        self.time = time
        self.backlog = backlog
        self.inFlight = inFlight
        self.previousReplicas = previousReplicas
        self.replicas = replicas
        self.reason = reason
        self.message = message
    }
}
