import Logging
import ServiceLifecycle
import Synchronization

/// A cache of one resource type kept up to date by list and watch, plus a stream of changes:
/// client-go's shared informer, reduced to what a controller needs. Run it as a `Service`.
///
/// `Object` is what the cache keeps of each object: ``JSONValue`` for the whole object, or a
/// small struct of the fields a controller reads (see ``InformerObject``).
///
/// ```swift
/// let informer = Informer<JSONValue>(api: client, resource: .taskQueues, namespace: nil)
/// // in a task group / ServiceGroup: try await informer.run()
/// for await change in informer.changes { await queue.add(change.object.objectKey) }
/// ```
public final class Informer<Object: InformerObject>: Service, Sendable {
    public typealias Change = ReflectorStateMachine<Object>.Change

    public let resource: GroupVersionResource
    public let namespace: String?
    public let labelSelector: String?
    private let api: any KubernetesAPI
    private let clock: any KubeClock
    private let logger: Logger
    private let machine: Mutex<ReflectorStateMachine<Object>>
    private let stream: AsyncStream<Change>
    private let continuation: AsyncStream<Change>.Continuation
    private let pageSize: Int
    private let transform: (@Sendable (JSONValue) -> JSONValue)?
    private let syncWaiters = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Changes to the cache, in order (one consumer).
    public var changes: AsyncStream<Change> { stream }

    /// - Parameter transform: applied to every listed and watched object before it becomes an
    ///   `Object` (client-go's `SetTransform`). An informer of ``JSONValue`` that reads a few
    ///   fields drops the rest here, so the cache holds only what it needs; it must keep
    ///   `metadata.name`, `metadata.namespace` and `metadata.resourceVersion`.
    public init(api: any KubernetesAPI, resource: GroupVersionResource, namespace: String?, labelSelector: String? = nil,
                pageSize: Int = 500, clock: any KubeClock = SystemKubeClock(),
                machine: ReflectorStateMachine<Object> = ReflectorStateMachine<Object>(),
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
    public func get(_ key: String) -> Object? {
        machine.withLock { $0.cache[key] }
    }

    /// Every cached object, sorted by key.
    public func list() -> [Object] {
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
                    // Each item becomes an `Object` as soon as it is parsed, so the whole list never
                    // exists as parsed JSON.
                    let made = ListedObjects<Object>(transform: transform)
                    let list = try await api.listAll(
                        resource, namespace: namespace,
                        options: ListOptions(labelSelector: labelSelector, limit: rv == "0" ? nil : pageSize, resourceVersion: rv),
                        transformingItems: made.take)
                    let items = made.objects
                    let (changes, next) = machine.withLock { $0.listSucceeded(items, resourceVersion: list.resourceVersion) }
                    logger.debug("Listed objects", metadata: [
                        "resource": "\(resource)", "count": "\(items.count)", "resourceVersion": "\(list.resourceVersion)",
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

    private func watch(from rv: String, timeoutSeconds: Int) async -> ReflectorStateMachine<Object>.Action {
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

    private func emit(_ changes: [Change]) {
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

/// Turns each item of a LIST into its cached form as the parser produces it, and collects them
/// in order; the parsed item is dropped at once (the list itself keeps only `null`s).
private final class ListedObjects<Object: InformerObject>: Sendable {
    private let transform: (@Sendable (JSONValue) -> JSONValue)?
    private let made = Mutex<[Object]>([])

    init(transform: (@Sendable (JSONValue) -> JSONValue)?) {
        self.transform = transform
    }

    var objects: [Object] { made.withLock { $0 } }

    @Sendable func take(_ item: JSONValue) -> JSONValue {
        let object = Object(informing: transform?(item) ?? item)
        made.withLock { $0.append(object) }
        return .null
    }
}
