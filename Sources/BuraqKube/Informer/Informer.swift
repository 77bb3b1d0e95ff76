import Logging
import ServiceLifecycle
import Synchronization

/// A cache of one resource type kept up to date by list and watch, plus a stream of changes:
/// client-go's shared informer, reduced to what a controller needs. Run it as a `Service`.
///
/// ```swift
/// let informer = Informer(api: client, resource: .taskQueues, namespace: nil)
/// // in a task group / ServiceGroup: try await informer.run()
/// for await change in informer.changes { await queue.add(change.object.objectKey) }
/// ```
public final class Informer: Service, Sendable {
    public let resource: GroupVersionResource
    public let namespace: String?
    public let labelSelector: String?
    private let api: any KubernetesAPI
    private let clock: any KubeClock
    private let logger: Logger
    private let machine: Mutex<ReflectorStateMachine>
    private let stream: AsyncStream<ReflectorStateMachine.Change>
    private let continuation: AsyncStream<ReflectorStateMachine.Change>.Continuation
    private let pageSize: Int
    private let transform: (@Sendable (JSONValue) -> JSONValue)?
    private let syncWaiters = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Changes to the cache, in order (one consumer).
    public var changes: AsyncStream<ReflectorStateMachine.Change> { stream }

    /// - Parameter transform: applied to every listed and watched object before it is cached or
    ///   reported (client-go's `SetTransform`). A controller that reads a few fields drops the
    ///   rest here, so the cache holds only what it needs. It must keep `metadata.name`,
    ///   `metadata.namespace` and `metadata.resourceVersion`.
    public init(api: any KubernetesAPI, resource: GroupVersionResource, namespace: String?, labelSelector: String? = nil,
                pageSize: Int = 500, clock: any KubeClock = SystemKubeClock(),
                machine: ReflectorStateMachine = ReflectorStateMachine(),
                transform: (@Sendable (JSONValue) -> JSONValue)? = nil, logger: Logger = Logger(label: "buraq.informer")) {
        self.api = api
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.pageSize = pageSize
        self.transform = transform
        self.clock = clock
        self.machine = Mutex(machine)
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream()
    }

    /// The cached object with key `namespace/name` (or `name`).
    public func get(_ key: String) -> JSONValue? {
        machine.withLock { $0.cache[key] }
    }

    /// Every cached object, sorted by key.
    public func list() -> [JSONValue] {
        machine.withLock { m in m.cache.keys.sorted().map { m.cache[$0]! } }
    }

    public var count: Int { machine.withLock { $0.cache.count } }
    public var hasSynced: Bool { machine.withLock { $0.hasSynced } }
    /// The resourceVersion the next watch resumes from.
    public var resourceVersion: String? { machine.withLock { $0.resourceVersion } }

    /// Waits until the first LIST has filled the cache (or the informer stopped; check ``hasSynced``).
    public func waitForSync() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = syncWaiters.withLock { waiters -> Bool in
                guard waiters != nil else { return false }
                waiters!.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    private func markSynced() {
        let waiters = syncWaiters.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Lists and watches until cancelled or gracefully shut down.
    public func run() async throws {
        defer {
            continuation.finish()
            markSynced()  // wakes waiters if the informer stops before it synced (hasSynced stays false)
        }
        try await cancelWhenGracefulShutdown {
            try await self.loop()
        }
    }

    private func loop() async throws {
        var action = machine.withLock { $0.start() }
        while !Task.isCancelled {
            switch action {
            case .list(let rv):
                do {
                    // The transform runs as each item is parsed, so the whole list never exists untransformed.
                    let list = try await api.listAll(
                        resource, namespace: namespace,
                        options: ListOptions(labelSelector: labelSelector, limit: rv == "0" ? nil : pageSize, resourceVersion: rv),
                        transformingItems: transform)
                    let (changes, next) = machine.withLock { $0.listSucceeded(list) }
                    logger.debug("Listed objects", metadata: [
                        "resource": "\(resource)", "count": "\(list.items.count)", "resourceVersion": "\(list.resourceVersion)",
                    ])
                    emit(changes)
                    markSynced()
                    action = next
                } catch {
                    if Task.isCancelled { return }
                    action = machine.withLock { $0.listFailed(error) }
                    logger.warning("Failed to list objects", metadata: ["resource": "\(resource)", "err": "\(error)"])
                }
            case .watch(let rv, let timeout):
                action = await watch(from: rv, timeoutSeconds: timeout)
            case .sleep(let duration):
                try await clock.sleep(for: duration)
                action = machine.withLock { $0.sleepFinished() }
            }
        }
    }

    private func watch(from rv: String, timeoutSeconds: Int) async -> ReflectorStateMachine.Action {
        do {
            let events = try await api.watch(resource, namespace: namespace, options: WatchOptions(
                labelSelector: labelSelector, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: timeoutSeconds))
            for try await received in events {
                var event = received
                if let transform, [.added, .modified, .deleted].contains(event.type) { event.object = transform(event.object) }
                let (changes, next) = machine.withLock { $0.watchEvent(event) }
                emit(changes)
                if let next {
                    logger.info("Watch ended by the server", metadata: [
                        "resource": "\(resource)", "err": "\(event.error.map(String.init(describing:)) ?? "")",
                        "resourceVersion": "\(rv)",
                    ])
                    return next
                }
            }
            return machine.withLock { $0.watchEnded(nil) }
        } catch {
            if !Task.isCancelled {
                logger.info("Watch failed", metadata: ["resource": "\(resource)", "err": "\(error)", "resourceVersion": "\(rv)"])
            }
            return machine.withLock { $0.watchEnded(error) }
        }
    }

    private func emit(_ changes: [ReflectorStateMachine.Change]) {
        for change in changes { continuation.yield(change) }
    }
}

extension Informer {
    /// Adds the `namespace/name` key of every changed object to `queue` until the informer stops:
    /// the usual wiring of a level-triggered controller (the key, never the event, is queued).
    public func enqueueChanges(into queue: WorkQueue<String>) async {
        for await change in changes { await queue.add(change.object.objectKey) }
    }
}

extension Informer {
    /// A transform for ``init(api:resource:namespace:labelSelector:pageSize:clock:machine:transform:logger:)``
    /// that keeps only the named top-level fields and the named `metadata` fields of each object
    /// (`name`, `namespace` and `resourceVersion` are always kept).
    public static func keeping(fields: [String], metadata: [String]) -> @Sendable (JSONValue) -> JSONValue {
        keeping(paths: fields.map { [$0] } + metadata.map { ["metadata", $0] })
    }

    /// A transform that keeps only the values at the given paths of object keys (for example
    /// `["spec", "replicas"]`), plus `metadata.name`, `metadata.namespace` and
    /// `metadata.resourceVersion`. Missing paths are left out.
    public static func keeping(paths: [[String]]) -> @Sendable (JSONValue) -> JSONValue {
        let identity: [[String]] = [["metadata", "name"], ["metadata", "namespace"], ["metadata", "resourceVersion"]]
        let kept = identity + paths.filter { !$0.isEmpty && !identity.contains($0) }
        return { object in
            var result: JSONValue = ["metadata": [:]]
            for path in kept { if let value = object[path: path] { result[path: path] = value } }
            return result
        }
    }
}
