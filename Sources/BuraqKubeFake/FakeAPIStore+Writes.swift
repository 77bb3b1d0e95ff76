import BuraqKube
import Foundation

extension FakeAPIStore {
    /// POST: stores a new object (`metadata.name` or `generateName` required).
    public func create(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) throws -> JSONValue {
        let definition = try definition(resource)
        var object = object
        if object.name == nil || object.name == "" {
            guard let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty else {
                throw KubeAPIError(code: 422, reason: "Invalid", message: "\(definition.kind) is invalid: metadata.name: Required value: name or generateName is required")
            }
            let suffix = String((0..<5).map { _ in "bcdfghjklmnpqrstvwxz2456789".randomElement()! })
            object[path: ["metadata", "name"]] = .string(prefix + suffix)
        }
        let name = object.name!
        if definition.namespaced {
            if let bodyNamespace = object.namespace, let namespace, bodyNamespace != namespace {
                throw KubeAPIError(code: 400, reason: "BadRequest",
                                   message: "the namespace of the provided object does not match the namespace sent on the request")
            }
            object[path: ["metadata", "namespace"]] = (namespace ?? object.namespace).map(JSONValue.string)
        } else {
            object[path: ["metadata", "namespace"]] = nil
        }
        let key = try Self.key(definition, namespace: object.namespace, name: name)
        if object.apiVersion == nil { object["apiVersion"] = .string(resource.groupVersion) }
        if object.kind == nil { object["kind"] = .string(definition.kind) }
        if definition.hasStatus { object["status"] = nil }
        if resource == .namespaces { object["status"] = ["phase": "Active"] }
        var crdDefinitions: [ResourceDefinition] = []
        if resource == .customResourceDefinitions {
            crdDefinitions = try ResourceDefinition.fromCRD(object)
            object["status"] = Self.establishedStatus(object)
        }
        object[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        object[path: ["metadata", "creationTimestamp"]] = .string(KubeTime.format(now()))
        object[path: ["metadata", "generation"]] = 1
        object[path: ["metadata", "deletionTimestamp"]] = nil
        object[path: ["metadata", "managedFields"]] = nil
        let stored = try state.withLock { state in
            if state.objects[resource]?[key] != nil {
                throw KubeAPIError(code: 409, reason: "AlreadyExists", message: "\(Self.qualified(definition)) \"\(name)\" already exists",
                                   details: StatusDetails(name: name, group: resource.group, kind: resource.resource))
            }
            let stored = commit(&state, resource, key: key, type: .added, new: object, old: nil)
            _ = simulateDeploymentController(&state, resource, key: key, stored)
            return stored
        }
        for definition in crdDefinitions { register(definition) }
        return stored
    }

    /// PUT: replaces an object (or its status, or its scale). A non-empty `metadata.resourceVersion`
    /// must match the stored one, else 409 Conflict.
    public func update(_ resource: GroupVersionResource, namespace: String?, object: JSONValue,
                       subresource: String? = nil) throws -> JSONValue {
        let definition = try definition(resource)
        guard let name = object.name, !name.isEmpty else {
            throw KubeAPIError(code: 422, reason: "Invalid", message: "\(definition.kind) is invalid: metadata.name: Required value")
        }
        let key = try Self.key(definition, namespace: namespace ?? object.namespace, name: name)
        return try state.withLock { state in
            try updateLocked(&state, definition, key: key, name: name, body: object, subresource: subresource)
        }
    }

    /// PATCH: applies a merge, JSON, strategic-merge (treated as merge) or apply patch to the stored
    /// object (or its status or scale view) and stores the result as an update would. A
    /// resourceVersion in the patched result acts as a precondition (409 when stale). An apply
    /// patch creates a missing object.
    public func patch(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch,
                      subresource: String? = nil) throws -> JSONValue {
        let definition = try definition(resource)
        let key = try Self.key(definition, namespace: namespace, name: name)
        do {
            return try state.withLock { state in
                guard let current = state.objects[resource]?[key] else { throw Self.notFound(definition, name) }
                let base = subresource == "scale" ? try Self.scaleView(of: current, definition) : current
                var patched: JSONValue
                switch patch {
                case .merge(let body), .apply(let body, _, _):
                    patched = base.merging(patch: Self.withoutDirectives(body))
                case .json(let operations):
                    do {
                        patched = try base.applying(jsonPatch: operations)
                    } catch {
                        throw KubeAPIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error)")
                    }
                }
                if patched.name != name { patched[path: ["metadata", "name"]] = .string(name) }
                return try updateLocked(&state, definition, key: key, name: name, body: patched, subresource: subresource)
            }
        } catch let error as KubeAPIError where error.isNotFound && subresource == nil {
            guard case .apply(let body, _, _) = patch else { throw error }
            var object = body
            object[path: ["metadata", "name"]] = .string(name)
            return try create(resource, namespace: namespace, object: object)
        }
    }

    /// DELETE: removes the object; with finalizers it only gets a `deletionTimestamp` until they are gone.
    public func delete(_ resource: GroupVersionResource, namespace: String?, name: String,
                       options: DeleteOptions? = nil) throws -> JSONValue {
        let definition = try definition(resource)
        let key = try Self.key(definition, namespace: namespace, name: name)
        let deleted = try state.withLock { state in
            guard let current = state.objects[resource]?[key] else { throw Self.notFound(definition, name) }
            if let rv = options?.preconditions?.resourceVersion, rv != current.resourceVersion {
                throw Self.conflict(definition, name)
            }
            if let uid = options?.preconditions?.uid, uid != current.uid {
                throw Self.conflict(definition, name)
            }
            if let finalizers = current[path: ["metadata", "finalizers"]]?.arrayValue, !finalizers.isEmpty {
                if current[path: ["metadata", "deletionTimestamp"]] != nil { return current }
                var next = current
                next[path: ["metadata", "deletionTimestamp"]] = .string(KubeTime.format(now()))
                return commit(&state, resource, key: key, type: .modified, new: next, old: current)
            }
            return commit(&state, resource, key: key, type: .deleted, new: nil, old: current)
        }
        if resource == .customResourceDefinitions, deleted[path: ["metadata", "deletionTimestamp"]] == nil {
            let gone = (try? ResourceDefinition.fromCRD(deleted)) ?? []
            state.withLock { state in
                for definition in gone {
                    state.definitions[definition.gvr] = nil
                    state.objects[definition.gvr] = nil
                }
            }
        }
        return deleted
    }

    // MARK: Inside the lock

    func updateLocked(_ state: inout State, _ definition: ResourceDefinition, key: String, name: String,
                      body: JSONValue, subresource: String?) throws -> JSONValue {
        let resource = definition.gvr
        guard let current = state.objects[resource]?[key] else { throw Self.notFound(definition, name) }
        if let rv = body.resourceVersion, !rv.isEmpty, rv != current.resourceVersion {
            throw Self.conflict(definition, name)
        }
        var next: JSONValue
        switch subresource {
        case nil:
            next = body
            for field in ["uid", "creationTimestamp", "generation", "namespace", "name", "deletionTimestamp", "resourceVersion"] {
                next[path: ["metadata", field]] = current[path: ["metadata", field]]
            }
            next[path: ["metadata", "managedFields"]] = nil
            if next.apiVersion == nil { next["apiVersion"] = current["apiVersion"] }
            if next.kind == nil { next["kind"] = current["kind"] }
            if definition.hasStatus { next["status"] = current["status"] }
            if resource == .customResourceDefinitions {
                next["status"] = Self.establishedStatus(next)
            }
        case "status":
            guard definition.hasStatus else { throw Self.notFound(definition, name) }
            next = current
            next["status"] = body["status"]
        case "scale":
            guard let paths = definition.scale else { throw Self.notFound(definition, name) }
            guard let replicas = body[path: ["spec", "replicas"]]?.intValue, replicas >= 0 else {
                throw KubeAPIError(code: 422, reason: "Invalid", message: "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0")
            }
            next = current
            next[path: paths.specReplicasPath] = .number(Double(replicas))
        default:
            throw Self.notFound(definition, name)
        }
        if Self.specOf(next) != Self.specOf(current) {
            next[path: ["metadata", "generation"]] = .number(Double((current.generation ?? 1) + 1))
        }
        let stored: JSONValue
        let finalizers = next[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if next[path: ["metadata", "deletionTimestamp"]] != nil, finalizers.isEmpty {
            stored = commit(&state, resource, key: key, type: .deleted, new: nil, old: current)
        } else if next == current {
            stored = current
        } else {
            stored = commit(&state, resource, key: key, type: .modified, new: next, old: current)
        }
        if subresource != "status", stored.generation != current.generation {
            // The answer is the write itself; the simulated controller's status write follows it.
            _ = simulateDeploymentController(&state, resource, key: key, stored)
        }
        return subresource == "scale" ? try Self.scaleView(of: stored, definition) : stored
    }

    /// With ``simulatesDeployments``: the status the deployment controller would write for `object`.
    func simulateDeploymentController(_ state: inout State, _ resource: GroupVersionResource, key: String,
                                      _ object: JSONValue) -> JSONValue? {
        guard simulatesDeployments, resource == .deployments, object.metadata?["deletionTimestamp"] == nil else { return nil }
        let replicas = object[path: ["spec", "replicas"]] ?? 1
        var next = object
        var status = object["status"] ?? [:]
        for field in ["replicas", "readyReplicas", "availableReplicas", "updatedReplicas"] { status[field] = replicas }
        status["observedGeneration"] = object[path: ["metadata", "generation"]]
        next["status"] = status
        guard next != object else { return nil }
        return commit(&state, resource, key: key, type: .modified, new: next, old: object)
    }

    /// Bumps the resourceVersion, stores (or removes) the object, records history, tells watchers.
    func commit(_ state: inout State, _ resource: GroupVersionResource, key: String, type: WatchEvent.EventType,
                new: JSONValue?, old: JSONValue?) -> JSONValue {
        state.resourceVersion += 1
        let rv = state.resourceVersion
        var object = new ?? old ?? .null
        object.resourceVersion = String(rv)
        if type == .deleted {
            state.objects[resource]?[key] = nil
        } else {
            state.objects[resource, default: [:]][key] = object
        }
        state.history.append((rv: rv, resource: resource, type: type, object: object, old: old))
        if state.history.count > historyLimit {
            state.history.removeFirst(state.history.count - historyLimit)
            state.compactedBelow = state.history[0].rv - 1
        }
        for watcher in state.watchers.values where watcher.resource == resource {
            if let event = Self.event(for: watcher, type: type, object: object, old: old) {
                watcher.continuation.yield(.event(event))
            }
        }
        return object
    }

    /// What `watcher` sees of a change: label selectors turn modifications into ADDED or DELETED.
    static func event(for watcher: Watcher, type: WatchEvent.EventType, object: JSONValue, old: JSONValue?) -> WatchEvent? {
        let namespace = watcher.namespace
        let newMatch = type != .deleted && matches(object, namespace: namespace, labels: watcher.labelSelector, fields: watcher.fieldSelector)
        let oldMatch = old.map { matches($0, namespace: namespace, labels: watcher.labelSelector, fields: watcher.fieldSelector) } ?? false
        switch type {
        case .added: return newMatch ? WatchEvent(type: .added, object: object) : nil
        case .deleted: return oldMatch ? WatchEvent(type: .deleted, object: object) : nil
        default:
            if newMatch { return WatchEvent(type: oldMatch ? .modified : .added, object: object) }
            return oldMatch ? WatchEvent(type: .deleted, object: object) : nil
        }
    }

    static func conflict(_ definition: ResourceDefinition, _ name: String) -> KubeAPIError {
        KubeAPIError(code: 409, reason: "Conflict",
                     message: "Operation cannot be fulfilled on \(qualified(definition)) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                     details: StatusDetails(name: name, group: definition.gvr.group, kind: definition.gvr.resource))
    }

    /// Everything but metadata and status: what `generation` tracks.
    static func specOf(_ object: JSONValue) -> JSONValue {
        var rest = object
        rest["metadata"] = nil
        rest["status"] = nil
        return rest
    }

    /// Strategic-merge directives (`$patch`, `$retainKeys`, ...) dropped: the fake treats them as merge patches.
    static func withoutDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var clean: [String: JSONValue] = [:]
            for (key, member) in members where !key.hasPrefix("$") && !key.hasPrefix("$setElementOrder") {
                clean[key] = withoutDirectives(member)
            }
            return .object(clean)
        case .array(let items): return .array(items.map(withoutDirectives))
        default: return value
        }
    }

    static func establishedStatus(_ crd: JSONValue) -> JSONValue {
        let condition = { (type: String, reason: String) -> JSONValue in
            ["type": .string(type), "status": "True", "reason": .string(reason), "message": "",
             "lastTransitionTime": .string(KubeTime.format(Date()))]
        }
        return ["acceptedNames": crd[path: ["spec", "names"]] ?? [:],
                "conditions": [condition("NamesAccepted", "NoConflicts"), condition("Established", "InitialNamesAccepted")],
                "storedVersions": .array((crd[path: ["spec", "versions"]]?.arrayValue ?? [])
                    .filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] })]
    }
}
