/// Accessors for the `metadata` every Kubernetes object carries.
extension JSONValue {
    public var metadata: JSONValue? {
        get { self["metadata"] }
        set { self["metadata"] = newValue }
    }

    public var name: String? { self[path: ["metadata", "name"]]?.stringValue }
    public var namespace: String? { self[path: ["metadata", "namespace"]]?.stringValue }
    public var uid: String? { self[path: ["metadata", "uid"]]?.stringValue }
    public var kind: String? { self["kind"]?.stringValue }
    public var apiVersion: String? { self["apiVersion"]?.stringValue }
    public var generation: Int? { self[path: ["metadata", "generation"]]?.intValue }

    /// `metadata.resourceVersion`: opaque, compare only for equality.
    public var resourceVersion: String? {
        get { self[path: ["metadata", "resourceVersion"]]?.stringValue }
        set { self[path: ["metadata", "resourceVersion"]] = newValue.map(JSONValue.string) }
    }

    public var labels: [String: String] {
        guard let o = self[path: ["metadata", "labels"]]?.objectValue else { return [:] }
        return o.compactMapValues(\.stringValue)
    }

    public var annotations: [String: String] {
        guard let o = self[path: ["metadata", "annotations"]]?.objectValue else { return [:] }
        return o.compactMapValues(\.stringValue)
    }

    /// `namespace/name`, or `name` for a cluster-scoped object: the key informers and work queues use.
    public var objectKey: String { Self.objectKey(namespace: namespace, name: name ?? "") }

    /// The ``objectKey`` of the object `name` in `namespace` (`nil` or empty: cluster-scoped), for
    /// cached forms (``InformerObject``) and lookups that have the two apart.
    public static func objectKey(namespace: String?, name: String) -> String {
        if let namespace, !namespace.isEmpty { return "\(namespace)/\(name)" }
        return name
    }
}
