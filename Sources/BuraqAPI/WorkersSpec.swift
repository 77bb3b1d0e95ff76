/// `spec.workers`: what runs the tasks and how many of them may run.
public struct WorkersSpec: Sendable, Equatable, Codable {
    /// The workload whose `/scale` subresource the controller sets.
    public var scaleTargetRef: ScaleTargetRef
    /// The fewest replicas; 0 lets the queue scale to zero when idle.
    public var minReplicas: Int32
    /// The most replicas.
    public var maxReplicas: Int32

    /// Creates worker settings.
    public init(scaleTargetRef: ScaleTargetRef, minReplicas: Int32 = TaskQueueDefaults.minReplicas, maxReplicas: Int32) {
        self.scaleTargetRef = scaleTargetRef
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    enum CodingKeys: String, CodingKey {
        case scaleTargetRef, minReplicas, maxReplicas
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scaleTargetRef = try c.decode(ScaleTargetRef.self, forKey: .scaleTargetRef)
        minReplicas = try c.decode(.minReplicas, or: TaskQueueDefaults.minReplicas)
        maxReplicas = try c.decode(Int32.self, forKey: .maxReplicas)
    }
}

/// A workload with a `/scale` subresource in the TaskQueue's namespace
/// (autoscaling/v2 `CrossVersionObjectReference`).
public struct ScaleTargetRef: Sendable, Equatable, Codable {
    /// The workload's API version.
    public var apiVersion: String
    /// The workload's kind.
    public var kind: String
    /// The workload's name.
    public var name: String

    /// Creates a reference; a Deployment unless told otherwise.
    public init(
        apiVersion: String = TaskQueueDefaults.scaleTargetAPIVersion, kind: String = TaskQueueDefaults.scaleTargetKind,
        name: String
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decode(.apiVersion, or: TaskQueueDefaults.scaleTargetAPIVersion)
        kind = try c.decode(.kind, or: TaskQueueDefaults.scaleTargetKind)
        name = try c.decode(String.self, forKey: .name)
    }
}
