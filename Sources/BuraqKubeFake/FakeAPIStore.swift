import BuraqKube
import Foundation
import Synchronization

/// The state of a fake Kubernetes API server, with the real server's semantics:
/// one global resourceVersion counter, `generation` that moves on spec changes only, 409 on a
/// stale update, status and scale subresources, merge and JSON patch, finalizers, label and field
/// selectors, `limit`/`continue` paging, and watches with history, bookmarks and 410 Expired.
///
/// The HTTP server (``FakeAPIServer``) and the in-process ``InMemoryKubernetesAPI`` both run on it.
public final class FakeAPIStore: Sendable {
    struct Watcher {
        var resource: GroupVersionResource
        var namespace: String?
        var labelSelector: LabelSelector?
        var fieldSelector: LabelSelector?
        var bookmarks: Bool
        var continuation: AsyncStream<WatchMessage>.Continuation
    }

    struct State {
        var definitions: [GroupVersionResource: ResourceDefinition] = [:]
        /// Objects by resource, then by `namespace/name` (or `name`).
        var objects: [GroupVersionResource: [String: JSONValue]] = [:]
        var resourceVersion = 1
        /// Recent changes for watches that start from a resourceVersion, oldest first.
        var history: [(rv: Int, resource: GroupVersionResource, type: WatchEvent.EventType, object: JSONValue, old: JSONValue?)] = []
        /// Watches from a resourceVersion below this get 410 Expired.
        var compactedBelow = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
        var uidCounter = 0
    }

    /// What a watch stream carries: events, and how it ends.
    public enum WatchMessage: Sendable {
        case event(WatchEvent)
        /// The server closes the connection without ending the response (a dropped watch).
        case drop
    }

    let state = Mutex(State())
    /// How many past changes watches can replay.
    public let historyLimit: Int
    /// When objects are created (injected so tests can fix it).
    let now: @Sendable () -> Date

    /// When true, deployments behave as if the deployment controller ran: after every change to a
    /// deployment's spec its status follows at once (`replicas`, `readyReplicas`, `availableReplicas`,
    /// `updatedReplicas` = `spec.replicas`, `observedGeneration` = `metadata.generation`), as a second
    /// write with its own resourceVersion and watch event.
    public let simulatesDeployments: Bool

    public init(historyLimit: Int = 10_000, simulatesDeployments: Bool = false, now: @escaping @Sendable () -> Date = { Date() }) {
        self.historyLimit = historyLimit
        self.simulatesDeployments = simulatesDeployments
        self.now = now
        state.withLock { state in
            for definition in ResourceDefinition.builtIn { state.definitions[definition.gvr] = definition }
        }
        _ = try? create(.namespaces, namespace: nil, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "default"]])
    }

    // MARK: Registry

    /// Serves a new resource type (CRDs posted to the server register themselves).
    public func register(_ definition: ResourceDefinition) {
        state.withLock { $0.definitions[definition.gvr] = definition }
    }

    /// Every served resource type.
    public var definitions: [ResourceDefinition] {
        state.withLock { Array($0.definitions.values) }
    }

    public func definition(_ resource: GroupVersionResource) throws -> ResourceDefinition {
        guard let definition = state.withLock({ $0.definitions[resource] }) else {
            throw KubeAPIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        return definition
    }

    /// The current resourceVersion (what a bookmark reports).
    public var currentResourceVersion: String {
        String(state.withLock { $0.resourceVersion })
    }

    /// Forgets the change history, as etcd compaction does: watches from any older version get 410.
    public func compact() {
        state.withLock { state in
            state.history = []
            state.compactedBelow = state.resourceVersion
        }
    }

    /// Closes every open watch abruptly (the connection drops mid-stream).
    public func dropWatches() {
        let watchers = state.withLock { state in
            defer { state.watchers = [:] }
            return Array(state.watchers.values)
        }
        for watcher in watchers {
            watcher.continuation.yield(.drop)
            watcher.continuation.finish()
        }
    }

    // MARK: Reads

    public func get(_ resource: GroupVersionResource, namespace: String?, name: String,
                    subresource: String? = nil) throws -> JSONValue {
        let definition = try definition(resource)
        let key = try Self.key(definition, namespace: namespace, name: name)
        guard let object = state.withLock({ $0.objects[resource]?[key] }) else { throw Self.notFound(definition, name) }
        switch subresource {
        case nil, "status": return object
        case "scale": return try Self.scaleView(of: object, definition)
        default: throw Self.notFound(definition, name)
        }
    }

    public func list(_ resource: GroupVersionResource, namespace: String?, options: ListOptions = ListOptions())
        throws -> ObjectList
    {
        let definition = try definition(resource)
        let labels = try options.labelSelector.map { try LabelSelector($0) }
        let fields = try options.fieldSelector.map { try LabelSelector($0) }
        let (all, rv) = state.withLock { state in
            (state.objects[resource] ?? [:], state.resourceVersion)
        }
        var keys = all.keys.filter { key in
            let object = all[key]!
            return Self.matches(object, namespace: definition.namespaced ? namespace : nil, labels: labels, fields: fields)
        }.sorted()
        if let token = options.continueToken {
            guard let decoded = Data(base64Encoded: token).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw KubeAPIError(code: 400, reason: "BadRequest", message: "continue key is not valid")
            }
            keys = keys.filter { $0 > decoded }
        }
        var continueToken: String?
        var remaining: Int?
        if let limit = options.limit, limit > 0, keys.count > limit {
            remaining = keys.count - limit
            keys = Array(keys.prefix(limit))
            continueToken = Data(keys.last!.utf8).base64EncodedString()
        }
        return ObjectList(items: keys.map { all[$0]! }, resourceVersion: String(rv), continueToken: continueToken,
                          remainingItemCount: remaining)
    }

    /// A LIST response body (`kind: DeploymentList`, ...).
    public func listDocument(_ resource: GroupVersionResource, namespace: String?, options: ListOptions) throws -> JSONValue {
        let definition = try definition(resource)
        let page = try list(resource, namespace: namespace, options: options)
        var metadata: JSONValue = ["resourceVersion": .string(page.resourceVersion)]
        if let token = page.continueToken { metadata["continue"] = .string(token) }
        if let remaining = page.remainingItemCount { metadata["remainingItemCount"] = .number(Double(remaining)) }
        return ["apiVersion": .string(resource.groupVersion), "kind": .string(definition.listKind),
                "metadata": metadata, "items": .array(page.items)]
    }

    // MARK: Helpers

    static func key(_ definition: ResourceDefinition, namespace: String?, name: String) throws -> String {
        if definition.namespaced {
            guard let namespace, !namespace.isEmpty else {
                throw KubeAPIError(code: 400, reason: "BadRequest", message: "a namespace is required for \(definition.gvr.resource)")
            }
            return "\(namespace)/\(name)"
        }
        return name
    }

    static func notFound(_ definition: ResourceDefinition, _ name: String) -> KubeAPIError {
        KubeAPIError(code: 404, reason: "NotFound", message: "\(qualified(definition)) \"\(name)\" not found",
                     details: StatusDetails(name: name, group: definition.gvr.group, kind: definition.gvr.resource))
    }

    static func qualified(_ definition: ResourceDefinition) -> String {
        definition.gvr.group.isEmpty ? definition.gvr.resource : "\(definition.gvr.resource).\(definition.gvr.group)"
    }

    static func matches(_ object: JSONValue, namespace: String?, labels: LabelSelector?, fields: LabelSelector?) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        if let labels, !labels.matches(object.labels) { return false }
        if let fields {
            var values = ["metadata.name": object.name ?? ""]
            if let ns = object.namespace { values["metadata.namespace"] = ns }
            if !fields.matches(values) { return false }
        }
        return true
    }

    /// The `autoscaling/v1 Scale` view of an object with a scale subresource.
    static func scaleView(of object: JSONValue, _ definition: ResourceDefinition) throws -> JSONValue {
        guard let paths = definition.scale else { throw notFound(definition, object.name ?? "") }
        var selector: JSONValue = .null
        if let path = paths.labelSelectorPath {
            selector = object[path: path] ?? .null
        } else if let match = object[path: ["spec", "selector", "matchLabels"]]?.objectValue {
            selector = .string(match.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ","))
        }
        var status: JSONValue = ["replicas": object[path: paths.statusReplicasPath] ?? 0]
        if selector != .null { status["selector"] = selector }
        var metadata: JSONValue = [:]
        for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            metadata[field] = object[path: ["metadata", field]]
        }
        return ["apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": metadata,
                "spec": ["replicas": object[path: paths.specReplicasPath] ?? 0], "status": status]
    }
}
