import BuraqKube

/// A resource type the fake server serves, as discovery describes it.
public struct ResourceDefinition: Sendable, Hashable {
    public var gvr: GroupVersionResource
    public var kind: String
    public var listKind: String
    public var singularName: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// A `status` subresource: the main resource ignores `.status`, `/status` writes only `.status`.
    public var hasStatus: Bool
    /// A `scale` subresource.
    public var scale: ScalePaths?

    /// Where a `/scale` subresource reads and writes replicas (dotted paths into the object).
    public struct ScalePaths: Sendable, Hashable {
        public var specReplicasPath: [String]
        public var statusReplicasPath: [String]
        /// A path to a serialized selector string; `nil` for deployments, whose selector is `spec.selector`.
        public var labelSelectorPath: [String]?

        public init(specReplicasPath: String, statusReplicasPath: String, labelSelectorPath: String? = nil) {
            self.specReplicasPath = Self.split(specReplicasPath)
            self.statusReplicasPath = Self.split(statusReplicasPath)
            self.labelSelectorPath = labelSelectorPath.map(Self.split)
        }

        static func split(_ path: String) -> [String] {
            path.split(separator: ".").map(String.init)
        }
    }

    public init(gvr: GroupVersionResource, kind: String, namespaced: Bool, shortNames: [String] = [],
                categories: [String] = [], hasStatus: Bool = false, scale: ScalePaths? = nil,
                singularName: String? = nil, listKind: String? = nil) {
        self.gvr = gvr
        self.kind = kind
        self.listKind = listKind ?? kind + "List"
        self.singularName = singularName ?? kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatus = hasStatus
        self.scale = scale
    }

    /// The resources every fake server starts with.
    public static let builtIn: [ResourceDefinition] = [
        ResourceDefinition(gvr: .namespaces, kind: "Namespace", namespaced: false, shortNames: ["ns"], hasStatus: true),
        ResourceDefinition(gvr: .configMaps, kind: "ConfigMap", namespaced: true, shortNames: ["cm"]),
        ResourceDefinition(gvr: GroupVersionResource(group: "", version: "v1", resource: "secrets"), kind: "Secret", namespaced: true),
        ResourceDefinition(gvr: GroupVersionResource(group: "", version: "v1", resource: "services"), kind: "Service",
                           namespaced: true, shortNames: ["svc"], hasStatus: true),
        ResourceDefinition(gvr: GroupVersionResource(group: "", version: "v1", resource: "serviceaccounts"),
                           kind: "ServiceAccount", namespaced: true, shortNames: ["sa"]),
        ResourceDefinition(gvr: .pods, kind: "Pod", namespaced: true, shortNames: ["po"], categories: ["all"], hasStatus: true),
        ResourceDefinition(gvr: .coreEvents, kind: "Event", namespaced: true, shortNames: ["ev"]),
        ResourceDefinition(gvr: .deployments, kind: "Deployment", namespaced: true, shortNames: ["deploy"],
                           categories: ["all"], hasStatus: true,
                           scale: ScalePaths(specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas")),
        ResourceDefinition(gvr: .leases, kind: "Lease", namespaced: true),
        // RBAC objects, so that `kubectl apply -f manifests/` (ServiceAccount, roles, bindings) works here.
        ResourceDefinition(gvr: GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "roles"),
                           kind: "Role", namespaced: true),
        ResourceDefinition(gvr: GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings"),
                           kind: "RoleBinding", namespaced: true),
        ResourceDefinition(gvr: GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles"),
                           kind: "ClusterRole", namespaced: false),
        ResourceDefinition(gvr: GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings"),
                           kind: "ClusterRoleBinding", namespaced: false),
        ResourceDefinition(gvr: .events, kind: "Event", namespaced: true, shortNames: ["ev"]),
        ResourceDefinition(gvr: .customResourceDefinitions, kind: "CustomResourceDefinition", namespaced: false,
                           shortNames: ["crd", "crds"], hasStatus: true),
    ]

    /// The definitions a `CustomResourceDefinition` object declares (one per served version).
    static func fromCRD(_ crd: JSONValue) throws -> [ResourceDefinition] {
        guard let group = crd[path: ["spec", "group"]]?.stringValue,
              let plural = crd[path: ["spec", "names", "plural"]]?.stringValue,
              let kind = crd[path: ["spec", "names", "kind"]]?.stringValue,
              let versions = crd[path: ["spec", "versions"]]?.arrayValue, !versions.isEmpty
        else {
            throw KubeAPIError(code: 422, reason: "Invalid",
                               message: "CustomResourceDefinition needs spec.group, spec.names.plural, spec.names.kind and spec.versions")
        }
        let names = crd[path: ["spec", "names"]]
        return versions.compactMap { version -> ResourceDefinition? in
            guard let name = version["name"]?.stringValue, version["served"]?.boolValue != false else { return nil }
            var scale: ScalePaths?
            if let s = version[path: ["subresources", "scale"]],
               let spec = s["specReplicasPath"]?.stringValue, let status = s["statusReplicasPath"]?.stringValue {
                scale = ScalePaths(specReplicasPath: String(spec.drop { $0 == "." }),
                                   statusReplicasPath: String(status.drop { $0 == "." }),
                                   labelSelectorPath: s["labelSelectorPath"]?.stringValue.map { String($0.drop { $0 == "." }) })
            }
            return ResourceDefinition(
                gvr: GroupVersionResource(group: group, version: name, resource: plural), kind: kind,
                namespaced: crd[path: ["spec", "scope"]]?.stringValue != "Cluster",
                shortNames: names?["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names?["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatus: version[path: ["subresources", "status"]] != nil, scale: scale,
                singularName: names?["singular"]?.stringValue, listKind: names?["listKind"]?.stringValue)
        }
    }
}
