import BuraqKube

/// Discovery documents (`/api`, `/apis`, `/apis/G/V`, `/version`) built from the served resources,
/// enough for `kubectl` to map kinds and short names to resources.
enum Discovery {
    static func version() -> JSONValue {
        ["major": "1", "minor": "32", "gitVersion": "v1.32.0-buraq-fake", "gitCommit": "0000000", "gitTreeState": "clean",
         "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23", "compiler": "gc", "platform": "linux/amd64"]
    }

    static func coreVersions(address: String) -> JSONValue {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(address)]]]
    }

    static func groupList(_ definitions: [ResourceDefinition]) -> JSONValue {
        let groups = Dictionary(grouping: definitions.filter { !$0.gvr.group.isEmpty }, by: \.gvr.group)
        return ["kind": "APIGroupList", "apiVersion": "v1",
                "groups": .array(groups.keys.sorted().map { group(named: $0, groups[$0]!) })]
    }

    static func group(named name: String, _ definitions: [ResourceDefinition]) -> JSONValue {
        let versions = Array(Set(definitions.map(\.gvr.version))).sorted().map { version -> JSONValue in
            ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
        }
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(versions),
                "preferredVersion": versions.last ?? .null]
    }

    static func resourceList(groupVersion: String, _ definitions: [ResourceDefinition]) -> JSONValue {
        var resources: [JSONValue] = []
        for d in definitions.sorted(by: { $0.gvr.resource < $1.gvr.resource }) {
            var entry: JSONValue = [
                "name": .string(d.gvr.resource), "singularName": .string(d.singularName), "namespaced": .bool(d.namespaced),
                "kind": .string(d.kind),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ]
            if !d.shortNames.isEmpty { entry["shortNames"] = .array(d.shortNames.map(JSONValue.string)) }
            if !d.categories.isEmpty { entry["categories"] = .array(d.categories.map(JSONValue.string)) }
            resources.append(entry)
            if d.hasStatus {
                resources.append(["name": .string(d.gvr.resource + "/status"), "singularName": "", "namespaced": .bool(d.namespaced),
                                  "kind": .string(d.kind), "verbs": ["get", "patch", "update"]])
            }
            if d.scale != nil {
                resources.append(["name": .string(d.gvr.resource + "/scale"), "singularName": "", "namespaced": .bool(d.namespaced),
                                  "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }

    /// `/openapi/v3`: one entry per group/version.
    static func openAPIRoot(_ definitions: [ResourceDefinition]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for gv in Set(definitions.map { openAPIPath($0.gvr) }) {
            paths[gv] = ["serverRelativeURL": .string("/openapi/v3/\(gv)?hash=fake")]
        }
        return ["paths": .object(paths)]
    }

    static func openAPIPath(_ gvr: GroupVersionResource) -> String {
        gvr.group.isEmpty ? "api/\(gvr.version)" : "apis/\(gvr.group)/\(gvr.version)"
    }

    /// `/openapi/v3/apis/G/V`: only PATCH operations declaring the `fieldValidation` parameter, which
    /// tells `kubectl` the server validates fields itself (so it needs no schemas to validate locally).
    static func openAPIGroupVersion(_ definitions: [ResourceDefinition]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for d in definitions {
            let gvk: JSONValue = ["group": .string(d.gvr.group), "version": .string(d.gvr.version), "kind": .string(d.kind)]
            let operation: JSONValue = [
                "x-kubernetes-group-version-kind": gvk,
                "parameters": [["name": "fieldValidation", "in": "query", "schema": ["type": "string"]]],
                "responses": [:],
            ]
            let path = "/" + openAPIPath(d.gvr) + (d.namespaced ? "/namespaces/{namespace}" : "") + "/\(d.gvr.resource)/{name}"
            paths[path] = ["patch": operation]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object(paths),
                "components": ["schemas": [:]]]
    }
}
