import BuraqKube

/// A kubeconfig (JSON, which is valid YAML) that points `kubectl` at a fake server.
public enum FakeKubeconfig: Sendable {
    public static func text(server: String, token: String?, namespace: String = "default") -> String {
        var user: JSONValue = [:]
        if let token { user["token"] = .string(token) }
        let config: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [["name": "fake", "cluster": ["server": .string(server)]]],
            "users": [["name": "fake", "user": user]],
            "contexts": [["name": "fake", "context": ["cluster": "fake", "user": "fake", "namespace": .string(namespace)]]],
        ]
        return config.description
    }
}

extension FakeAPIStore {
    /// Stores an object whose apiVersion and kind name a served resource (CRDs included).
    public func load(_ object: JSONValue) throws {
        guard let apiVersion = object.apiVersion, let kind = object.kind,
              let definition = definitions.first(where: { $0.gvr.groupVersion == apiVersion && $0.kind == kind })
        else {
            throw KubeAPIError(code: 404, reason: "NotFound", message: "no resource for \(object.apiVersion ?? "?") \(object.kind ?? "?")")
        }
        _ = try create(definition.gvr, namespace: definition.namespaced ? (object.namespace ?? "default") : nil, object: object)
    }
}
