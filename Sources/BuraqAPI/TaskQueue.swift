/// A TaskQueue (`buraq.dev/v1alpha1`, kind `TaskQueue`): one queue on Redis Streams, its
/// workers, how they scale and how tasks are retried. Users write it as YAML; the API server
/// and the controller exchange it as JSON. Decoding applies ``TaskQueueDefaults``; encoding
/// writes every field, defaults included (as the API server stores it).
public struct TaskQueue: Sendable, Equatable, Codable {
    /// `buraq.dev/v1alpha1`.
    public static let apiVersion = "buraq.dev/v1alpha1"
    /// `TaskQueue`.
    public static let kind = "TaskQueue"
    /// API group.
    public static let group = "buraq.dev"
    /// Version within the group.
    public static let version = "v1alpha1"
    /// Resource name in URLs (`/apis/buraq.dev/v1alpha1/namespaces/N/taskqueues`).
    public static let plural = "taskqueues"

    /// Should be ``TaskQueue/apiVersion``; validation says so when it is not.
    public var apiVersion: String
    /// Should be ``TaskQueue/kind``.
    public var kind: String
    /// Name, namespace, labels and the API server's bookkeeping.
    public var metadata: ObjectMeta
    /// What the user wants.
    public var spec: TaskQueueSpec
    /// What the controller observed; absent until it first reports.
    public var status: TaskQueueStatus?

    /// Creates a TaskQueue.
    public init(metadata: ObjectMeta, spec: TaskQueueSpec, status: TaskQueueStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decode(String.self, forKey: .apiVersion)
        kind = try c.decode(String.self, forKey: .kind)
        metadata = try c.decode(.metadata, or: ObjectMeta())
        spec = try c.decode(TaskQueueSpec.self, forKey: .spec)
        status = try c.decodeIfPresent(TaskQueueStatus.self, forKey: .status)
    }
}

/// A page of TaskQueues, as the API server lists them.
public struct TaskQueueList: Sendable, Equatable, Codable {
    /// `buraq.dev/v1alpha1`.
    public var apiVersion: String
    /// `TaskQueueList`.
    public var kind: String
    /// The list's resource version and continue token.
    public var metadata: ListMeta
    /// The TaskQueues.
    public var items: [TaskQueue]

    /// Creates a list.
    public init(metadata: ListMeta = ListMeta(), items: [TaskQueue]) {
        self.apiVersion = TaskQueue.apiVersion
        self.kind = "TaskQueueList"
        self.metadata = metadata
        self.items = items
    }
}
