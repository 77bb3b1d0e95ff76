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

    /// What the source last reported for one TaskQueue.
    private final class Seen: @unchecked Sendable {
        // Used by one task only (the informer's consumer). The spec is the cached view's text.
        var specs: [TaskQueueKey: (generation: Int64, spec: JSONValue?)] = [:]
    }

    public func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws {
        let informers = (namespaces.isEmpty ? [nil] : namespaces.map { Optional($0) }).map {
            Informer(api: api, resource: .taskQueues, namespace: $0, transform: Self.cachedView, logger: logger)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for informer in informers {
                group.addTask { try await informer.run() }
                group.addTask {
                    let seen = Seen()
                    for await change in informer.changes {
                        await handle(change, seen: seen, onChange: onChange)
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
    /// equal text). One string instead of a tree of dictionaries takes a fraction of the memory,
    /// and the controller reads the spec only when it changed (``expand(_:)``). Status, labels,
    /// annotations (`kubectl apply` keeps a whole copy of the object in one) and managed fields
    /// are dropped before caching.
    public static let cachedView: @Sendable (JSONValue) -> JSONValue = { object in
        var view = identity(object)
        if let spec = object["spec"], let bytes = try? spec.serialized() {
            view["spec"] = .string(String(decoding: bytes, as: UTF8.self))
        }
        return view
    }

    private static let identity = Informer.keeping(fields: [], metadata: ["generation", "deletionTimestamp"])

    /// The TaskQueue a ``cachedView`` was made from, as far as the controller reads it:
    /// apiVersion, kind, the kept metadata and the spec.
    public static func expand(_ view: JSONValue) throws -> JSONValue {
        var object = view
        object["apiVersion"] = .string(TaskQueue.apiVersion)
        object["kind"] = .string(TaskQueue.kind)
        if case .string(let text)? = view["spec"] { object["spec"] = try JSONValue(parsing: text) }
        return object
    }

    private func handle(
        _ change: ReflectorStateMachine.Change, seen: Seen, onChange: @Sendable (TaskQueueChange) -> Void
    ) async {
        let object = change.object
        let key = TaskQueueKey(
            namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "default",
            name: object[path: ["metadata", "name"]]?.stringValue ?? "")
        if case .deleted = change {
            seen.specs[key] = nil
            onChange(.delete(key))
            return
        }
        let generation = Int64(object[path: ["metadata", "generation"]]?.intValue ?? 1)
        let spec = object["spec"]
        if let previous = seen.specs[key], previous.generation == generation, previous.spec == spec { return }
        seen.specs[key] = (generation, spec)
        onChange(.upsert(key, generation: generation, await target(from: object, key: key)))
    }

    private func target(from object: JSONValue, key: TaskQueueKey) async -> Result<QueueTarget, ControllerError> {
        let taskQueue: TaskQueue
        do { taskQueue = try Self.expand(object).decode(TaskQueue.self) } catch {
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
