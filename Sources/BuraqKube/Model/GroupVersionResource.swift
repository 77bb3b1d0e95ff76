import BuraqBase
/// A resource type on the API server: group, version and plural resource name.
///
/// The core group is the empty string (`""`), served under `/api/v1`; every other group is served
/// under `/apis/GROUP/VERSION`.
public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `apps/v1` or `v1` for the core group.
    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var description: String { "\(resource).\(version).\(group.isEmpty ? "core" : group)" }

    /// The URL path of a collection or one object, optionally a subresource of it.
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(resource)"
        if let name {
            path += "/\(Self.escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    static func escape(_ segment: String) -> String {
        PercentEncoding.encode(segment, allowed: PercentEncoding.isPathSegmentAllowed)
    }

    // Resources the operator uses.
    public static let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
    public static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")
    public static let events = GroupVersionResource(group: "events.k8s.io", version: "v1", resource: "events")
    public static let coreEvents = GroupVersionResource(group: "", version: "v1", resource: "events")
    public static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
    public static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    public static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    public static let customResourceDefinitions = GroupVersionResource(
        group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions")
    public static let taskQueues = GroupVersionResource(group: "buraq.dev", version: "v1alpha1", resource: "taskqueues")
}

