import BuraqAPI
import BuraqKube
import FoundationEssentials
import Glibc
import Logging

/// Kubernetes mode's TaskQueues: one informer (list + watch, relist on 410) over `taskqueues`,
/// cluster-wide or one per namespace given. A TaskQueue that does not decode or validate is
/// reported invalid (it gets a Degraded status); its `spec.redis.passwordSecretRef` is read from
/// the Secret when the spec changes.
public struct KubernetesTaskQueueSource: TaskQueueSource {
    private let api: any KubernetesAPI
    private let namespaces: [String]
    private let logger: Logger

    /// - Parameter namespaces: where to watch; empty for every namespace.
    public init(api: any KubernetesAPI, namespaces: [String], logger: Logger = Logger(label: "buraq.controller.source")) {
        self.api = api
        self.namespaces = namespaces
        self.logger = logger
    }

    public func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws {
        let informers = (namespaces.isEmpty ? [nil] : namespaces.map { Optional($0) }).map {
            Informer<View>(api: api, resource: .taskQueues, namespace: $0, logger: logger)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for informer in informers {
                group.addTask { try await informer.run() }
                group.addTask {
                    for await change in informer.changes {
                        await handle(change, onChange: onChange)
                    }
                }
            }
            group.addTask {
                for informer in informers { await informer.waitForSync() }
                onChange(.synced)
            }
            try await group.waitForAll()
        }
    }

    /// What the TaskQueue informer caches: name, namespace, resourceVersion, generation,
    /// deletionTimestamp, and the spec as compact JSON text (keys sorted, so equal specs give
    /// equal text). A few strings instead of a tree of dictionaries take a fraction of the
    /// memory, and the controller reads the spec only when it changed (``expand(_:)``). Status,
    /// labels, annotations (`kubectl apply` keeps a whole copy of the object in one) and managed
    /// fields are dropped as the object is parsed.
    public struct View: InformerObject {
        /// `metadata.namespace`.
        public var namespace: String
        /// `metadata.name`.
        public var name: String
        /// `metadata.resourceVersion`.
        public var resourceVersion: String?
        /// `metadata.generation` (1 when missing).
        public var generation: Int64
        /// `metadata.deletionTimestamp`.
        public var deletionTimestamp: String?
        /// `spec` as compact JSON text with sorted keys; `nil` when there is none.
        public var spec: String?

        public init(informing object: JSONValue) {
            namespace = object.namespace ?? ""
            name = object.name ?? ""
            resourceVersion = object.resourceVersion
            generation = Int64(object.generation ?? 1)
            deletionTimestamp = object[path: ["metadata", "deletionTimestamp"]]?.stringValue
            spec = (try? object["spec"]?.serialized()).map { String(decoding: $0, as: UTF8.self) }
        }

        public var objectKey: String { JSONValue.objectKey(namespace: namespace, name: name) }
    }

    /// The TaskQueue a ``View`` was made from, as far as the controller reads it: apiVersion,
    /// kind, the kept metadata and the spec.
    public static func expand(_ view: View) throws -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(view.name), "generation": .number(Double(view.generation)),
        ]
        if !view.namespace.isEmpty { metadata["namespace"] = .string(view.namespace) }
        if let version = view.resourceVersion { metadata["resourceVersion"] = .string(version) }
        if let deletion = view.deletionTimestamp { metadata["deletionTimestamp"] = .string(deletion) }
        var object: JSONValue = [
            "apiVersion": .string(TaskQueue.apiVersion), "kind": .string(TaskQueue.kind), "metadata": .object(metadata),
        ]
        if let spec = view.spec { object["spec"] = try JSONValue(parsing: spec) }
        return object
    }

    private func handle(_ change: Informer<View>.Change, onChange: @Sendable (TaskQueueChange) -> Void) async {
        let view = change.object
        let key = TaskQueueKey(namespace: view.namespace.isEmpty ? "default" : view.namespace, name: view.name)
        switch change {
        case .deleted:
            onChange(.delete(key))
            return
        case .updated(let old, let new) where old.generation == new.generation && old.spec == new.spec:
            // A status write or a metadata change: the spec the controller acts on is the same
            // as the one reported with the old version.
            return
        case .added, .updated:
            onChange(.upsert(key, generation: view.generation, await target(from: view, key: key)))
        }
    }

    private func target(from view: View, key: TaskQueueKey) async -> Result<QueueTarget, ControllerError> {
        let taskQueue: TaskQueue
        do { taskQueue = try Self.expand(view).decode(TaskQueue.self) } catch {
            return .failure(ControllerError(code: .invalidSpec, message: "TaskQueue \(key) cannot be read: \(error)"))
        }
        var password: String?
        if let ref = taskQueue.spec.redis.passwordSecretRef {
            do {
                let secret = try await api.get(
                    GroupVersionResource(group: "", version: "v1", resource: "secrets"), namespace: key.namespace, name: ref.name)
                guard let encoded = secret[path: ["data", ref.key]]?.stringValue, let data = Data(base64Encoded: encoded),
                    let text = String(data: data, encoding: .utf8)
                else {
                    return .failure(
                        ControllerError(
                            code: .invalidSpec,
                            message: "spec.redis.passwordSecretRef: Secret \(key.namespace)/\(ref.name) has no key '\(ref.key)'"))
                }
                password = text
            } catch {
                return .failure(
                    .kubernetes(
                        error, code: .invalidSpec,
                        action: "spec.redis.passwordSecretRef: reading Secret \(key.namespace)/\(ref.name)"))
            }
        }
        return QueueTarget.from(taskQueue, namespace: key.namespace, password: password)
    }
}
