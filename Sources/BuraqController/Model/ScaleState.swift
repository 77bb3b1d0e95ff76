/// A workload's scale as read from its scale target (`/scale` on Kubernetes, the process pool locally).
public struct ScaleState: Sendable, Hashable {
    /// The replica count asked for (`spec.replicas`).
    public var replicas: Int32
    /// The replicas that exist (`status.replicas`); `nil` when unknown.
    public var statusReplicas: Int32?

    /// Creates a scale.
    public init(replicas: Int32, statusReplicas: Int32? = nil) {
        self.replicas = replicas
        self.statusReplicas = statusReplicas
    }
}
