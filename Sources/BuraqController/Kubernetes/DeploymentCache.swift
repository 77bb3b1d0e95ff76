import BuraqKube
import Logging
import ServiceLifecycle
import Synchronization

/// The replica counts of the worker Deployments, kept by an informer (list + watch) so a poll
/// reads its scale from memory instead of sending `GET …/scale` (at 1,000 TaskQueues polled every
/// second, one GET each would need 1,000 requests a second against a client limit of 20).
///
/// Only identity, `resourceVersion`, `spec.replicas` and `status.replicas` are cached, as a
/// ``View`` (the rest of each Deployment is dropped as it is parsed): about 100 bytes a
/// Deployment with its cache slot.
///
/// After the controller writes a scale, the watch event carrying the write may arrive after the
/// next poll. Until it does (or for ``writeOverlayLifetime`` at most), the written scale is
/// reported instead of the cached one, so a poll never decides from a count older than its own
/// last write.
public final class DeploymentCache: Service, Sendable {
    /// A Deployment's scale as cached.
    public struct Entry: Sendable, Equatable {
        /// `spec.replicas`.
        public var replicas: Int32
        /// `status.replicas`, when the Deployment controller has reported it.
        public var statusReplicas: Int32?
        /// The Deployment's `resourceVersion` (the `/scale` subresource has the same one).
        public var resourceVersion: String

        /// Creates an entry.
        public init(replicas: Int32, statusReplicas: Int32?, resourceVersion: String) {
            self.replicas = replicas
            self.statusReplicas = statusReplicas
            self.resourceVersion = resourceVersion
        }
    }

    /// How long a written scale overrides the cache while its watch event has not arrived.
    public static let writeOverlayLifetime: Duration = .seconds(10)

    /// What the informer keeps of a Deployment.
    public struct View: InformerObject {
        /// `metadata.namespace`.
        public var namespace: String
        /// `metadata.name`.
        public var name: String
        /// `metadata.resourceVersion`.
        public var resourceVersion: String?
        /// `spec.replicas`.
        public var replicas: Int32?
        /// `status.replicas`.
        public var statusReplicas: Int32?

        /// Takes the cached fields of a Deployment; missing ones stay `nil` (or empty).
        public init(informing object: JSONValue) {
            namespace = object.namespace ?? ""
            name = object.name ?? ""
            resourceVersion = object.resourceVersion
            replicas = object[path: ["spec", "replicas"]]?.intValue.map { Int32(clamping: $0) }
            statusReplicas = object[path: ["status", "replicas"]]?.intValue.map { Int32(clamping: $0) }
        }

        public var objectKey: String { JSONValue.objectKey(namespace: namespace, name: name) }

        /// The scale the view gives; `nil` when `spec.replicas` or the resourceVersion is
        /// missing (a GET of `/scale` then answers as the API server defaults it).
        public var entry: Entry? {
            guard let replicas, let resourceVersion else { return nil }
            return Entry(replicas: replicas, statusReplicas: statusReplicas, resourceVersion: resourceVersion)
        }
    }

    private let informers: [Informer<View>]
    private let clock: any KubeClock
    private let overlays = Mutex<[String: (entry: Entry, at: Duration)]>([:])

    /// - Parameter namespaces: where to watch Deployments (those of the TaskQueues); empty for
    ///   every namespace.
    public init(
        api: any KubernetesAPI, namespaces: [String], clock: any KubeClock = SystemKubeClock(),
        logger: Logger = Logger(label: "buraq.controller.deployments")
    ) {
        self.clock = clock
        self.informers = (namespaces.isEmpty ? [nil] : namespaces.map { Optional($0) }).map {
            Informer<View>(api: api, resource: .deployments, namespace: $0, clock: clock, logger: logger)
        }
    }

    /// Whether every informer has filled its cache with the first LIST.
    public var hasSynced: Bool { informers.allSatisfy(\.hasSynced) }

    /// Waits until ``hasSynced`` (or the cache stopped).
    public func waitForSync() async {
        for informer in informers { await informer.waitForSync() }
    }

    /// The scale of Deployment `namespace/name`; `nil` when the cache cannot say (not synced yet,
    /// not watched, or no such Deployment, which the caller confirms with a GET).
    public func scale(namespace: String, name: String) -> Entry? {
        let key = JSONValue.objectKey(namespace: namespace, name: name)
        guard let informer = informers.first(where: { $0.namespace == nil || $0.namespace == namespace }),
            informer.hasSynced
        else { return nil }
        let cached = informer.get(key)?.entry
        let now = clock.now
        return overlays.withLock { overlays in
            guard let overlay = overlays[key] else { return cached }
            if cached?.resourceVersion == overlay.entry.resourceVersion || now - overlay.at >= Self.writeOverlayLifetime {
                overlays[key] = nil
                return cached
            }
            return overlay.entry
        }
    }

    /// Records a scale the controller wrote (the PATCH response), reported until the watch
    /// delivers it.
    public func wrote(_ entry: Entry, namespace: String, name: String) {
        let now = clock.now
        overlays.withLock { overlays in
            // Writes whose watch event never comes (a Deployment deleted meanwhile) expire here.
            if overlays.count >= 64 { overlays = overlays.filter { now - $0.value.at < Self.writeOverlayLifetime } }
            overlays[JSONValue.objectKey(namespace: namespace, name: name)] = (entry, now)
        }
    }

    /// Runs the informers until cancelled or gracefully shut down.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for informer in informers {
                group.addTask { try await informer.run() }
                // The informer reports every change on a stream that must be read; a change that
                // carries the written resourceVersion retires that write's overlay.
                group.addTask {
                    for await change in informer.changes {
                        let object = change.object
                        guard let version = object.resourceVersion else { continue }
                        let key = object.objectKey
                        self.overlays.withLock { overlays in
                            if let overlay = overlays[key], overlay.entry.resourceVersion == version { overlays[key] = nil }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
