/// The part of Kubernetes `metav1.ObjectMeta` the controller reads and writes.
public struct ObjectMeta: Sendable, Equatable, Codable {
    /// The object's name (a DNS-1123 subdomain).
    public var name: String?
    /// Prefix for a generated name, when `name` is absent.
    public var generateName: String?
    /// The namespace; absent in a file means the current namespace.
    public var namespace: String?
    /// Set by the API server.
    public var uid: String?
    /// Opaque version for optimistic concurrency and watches; set by the API server.
    public var resourceVersion: String?
    /// Increased by the API server on every spec change.
    public var generation: Int64?
    /// Labels.
    public var labels: [String: String]?
    /// Annotations.
    public var annotations: [String: String]?
    /// RFC 3339 time the object was created, e.g. `2026-01-02T03:04:05Z`.
    public var creationTimestamp: String?
    /// RFC 3339 time deletion was requested, when it was.
    public var deletionTimestamp: String?
    /// Finalizers.
    public var finalizers: [String]?

    /// Creates metadata.
    public init(
        name: String? = nil, namespace: String? = nil, uid: String? = nil, resourceVersion: String? = nil,
        generation: Int64? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil,
        creationTimestamp: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.labels = labels
        self.annotations = annotations
        self.creationTimestamp = creationTimestamp
    }
}

/// Metadata of a list response (`metav1.ListMeta`).
public struct ListMeta: Sendable, Equatable, Codable {
    /// The version to start a watch from.
    public var resourceVersion: String?
    /// Token for the next page, when the list was cut short.
    public var `continue`: String?

    /// Creates list metadata.
    public init(resourceVersion: String? = nil, continue: String? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
    }
}
