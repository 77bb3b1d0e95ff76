import BuraqController
import BuraqKube
import BuraqKubeFake
import BuraqScaling
import Synchronization
import Testing

/// The Deployment cache on the in-memory API (list + watch of the fake store, no sockets).
@Suite struct DeploymentCacheTests {
    /// A clock whose `now` only moves when told to; sleeps are real (only the informer's
    /// backoff sleeps, and these tests do not fail requests).
    final class StepClock: KubeClock {
        private let offset = Mutex<Duration>(.zero)
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
        var now: Duration { offset.withLock { $0 } }
        func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
    }

    static func deployment(_ name: String, replicas: Int?, statusReplicas: Int? = nil) -> JSONValue {
        let labels: JSONValue = ["app": .string(name)]
        var object: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "labels": labels],
            "spec": ["selector": ["matchLabels": labels],
                     "template": ["metadata": ["labels": labels], "spec": ["containers": [["name": "w", "image": "x"]]]]],
        ]
        if let replicas { object[path: ["spec", "replicas"]] = .number(Double(replicas)) }
        if let statusReplicas { object["status"] = ["replicas": .number(Double(statusReplicas))] }
        return object
    }

    /// Runs `cache` while `body` runs, then stops it.
    static func running(_ cache: DeploymentCache, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cache.run() }
            await cache.waitForSync()
            try await body()
            group.cancelAll()
        }
    }

    @Test func viewKeepsIdentityAndReplicaCountsOnly() {
        var whole = Self.deployment("w", replicas: 3, statusReplicas: 2)
        whole[path: ["metadata", "namespace"]] = "team-a"
        whole[path: ["metadata", "resourceVersion"]] = "41"
        whole[path: ["metadata", "annotations"]] = ["kubectl.kubernetes.io/last-applied-configuration": "{…}"]
        whole[path: ["status", "conditions"]] = [["type": "Available", "status": "True"]]
        let view = DeploymentCache.View(informing: whole)
        #expect(view.objectKey == "team-a/w")
        #expect(view.resourceVersion == "41")
        #expect(view.entry == DeploymentCache.Entry(replicas: 3, statusReplicas: 2, resourceVersion: "41"))
        // Nothing invented for missing fields: no scale without spec.replicas and a version.
        let bare = DeploymentCache.View(informing: ["metadata": ["name": "x"]])
        #expect(bare.objectKey == "x")
        #expect(bare.replicas == nil && bare.statusReplicas == nil && bare.resourceVersion == nil)
        #expect(bare.entry == nil)
        var unversioned = whole
        unversioned[path: ["metadata", "resourceVersion"]] = nil
        #expect(DeploymentCache.View(informing: unversioned).entry == nil)
        var noStatus = whole
        noStatus["status"] = nil
        #expect(DeploymentCache.View(informing: noStatus).entry == DeploymentCache.Entry(replicas: 3, statusReplicas: nil, resourceVersion: "41"))
    }

    @Test func followsTheWatchAndSaysNothingItDoesNotKnow() async throws {
        let api = InMemoryKubernetesAPI()
        _ = try await api.create(.deployments, namespace: "default", object: Self.deployment("w", replicas: 3, statusReplicas: 3))
        _ = try await api.create(.deployments, namespace: "default", object: Self.deployment("unset", replicas: nil))
        _ = try await api.create(.deployments, namespace: "other", object: Self.deployment("w", replicas: 9))
        let cache = DeploymentCache(api: api, namespaces: ["default"])
        #expect(cache.scale(namespace: "default", name: "w") == nil)  // not synced: the caller GETs
        try await Self.running(cache) {
            #expect(cache.hasSynced)
            #expect(cache.scale(namespace: "default", name: "w")?.replicas == 3)
            #expect(cache.scale(namespace: "default", name: "w")?.statusReplicas == nil)  // status is not written on create
            _ = try await api.patchStatus(.deployments, namespace: "default", name: "w", patch: .merge(["status": ["replicas": 3]]))
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "w")?.statusReplicas == 3 })
            let first = try #require(cache.scale(namespace: "default", name: "w"))
            #expect(cache.scale(namespace: "default", name: "missing") == nil)
            #expect(cache.scale(namespace: "default", name: "unset") == nil)  // the API server's default applies: GET
            #expect(cache.scale(namespace: "other", name: "w") == nil)  // a namespace not watched
            // Someone else scales it: the watch brings the new count.
            _ = try await api.patchScale(name: "w", namespace: "default", replicas: 5, resourceVersion: nil)
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "w")?.replicas == 5 })
            #expect(cache.scale(namespace: "default", name: "w")?.resourceVersion != first.resourceVersion)
            // Created later, and deleted.
            _ = try await api.create(.deployments, namespace: "default", object: Self.deployment("late", replicas: 1))
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "late")?.replicas == 1 })
            _ = try await api.delete(.deployments, namespace: "default", name: "late")
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "late") == nil })
        }
    }

    @Test func aWrittenScaleIsReportedUntilTheWatchDeliversIt() async throws {
        let api = InMemoryKubernetesAPI()
        _ = try await api.create(.deployments, namespace: "default", object: Self.deployment("w", replicas: 3))
        let clock = StepClock()
        let cache = DeploymentCache(api: api, namespaces: [], clock: clock)
        try await Self.running(cache) {
            let cached = try #require(cache.scale(namespace: "default", name: "w"))
            // A write whose event has not arrived (a resourceVersion the store has not reached):
            // reported instead of the cache until the overlay's lifetime ends.
            let written = DeploymentCache.Entry(replicas: 7, statusReplicas: nil, resourceVersion: "99999")
            cache.wrote(written, namespace: "default", name: "w")
            #expect(cache.scale(namespace: "default", name: "w") == written)
            clock.advance(DeploymentCache.writeOverlayLifetime - .milliseconds(1))
            #expect(cache.scale(namespace: "default", name: "w") == written)
            clock.advance(.milliseconds(1))
            #expect(cache.scale(namespace: "default", name: "w") == cached)
            // A real write: reported at once, and the cache's own copy takes over when the event
            // with that resourceVersion arrives (the overlay is gone long before its lifetime).
            let scale = try await api.patchScale(name: "w", namespace: "default", replicas: 4, resourceVersion: nil)
            let version = try #require(scale.metadata.resourceVersion)
            cache.wrote(DeploymentCache.Entry(replicas: 4, statusReplicas: 0, resourceVersion: version), namespace: "default", name: "w")
            #expect(cache.scale(namespace: "default", name: "w")?.replicas == 4)
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "w")?.statusReplicas == nil })
            #expect(cache.scale(namespace: "default", name: "w") == DeploymentCache.Entry(replicas: 4, statusReplicas: nil, resourceVersion: version))
            // Someone else scales after that: the new count shows (no overlay left to hide it).
            _ = try await api.patchScale(name: "w", namespace: "default", replicas: 6, resourceVersion: nil)
            #expect(try await KubernetesModeTests.eventually { cache.scale(namespace: "default", name: "w")?.replicas == 6 })
        }
    }

    /// A Deployment `w` with 2 replicas, a cache over every namespace, and a scale target on it.
    static func scaleTargetOnACache() async throws -> (InMemoryKubernetesAPI, DeploymentCache, DeploymentScaleTarget, QueueTarget) {
        let api = InMemoryKubernetesAPI()
        _ = try await api.create(.deployments, namespace: "default", object: Self.deployment("w", replicas: 2))
        let cache = DeploymentCache(api: api, namespaces: [])
        let target = QueueTarget(
            key: TaskQueueKey(namespace: "default", name: "q"), queue: "q",
            scaling: ScalingSpec(targetPerReplica: 10, maxReplicas: 5), scaleTargetName: "w")
        return (api, cache, DeploymentScaleTarget(api: api, cache: cache), target)
    }

    @Test func theScaleTargetReadsTheCacheAndWritesThroughIt() async throws {
        let (api, cache, scaleTarget, target) = try await Self.scaleTargetOnACache()
        try await Self.running(cache) {
            // Reads fail if they reach the API: the cache answers.
            api.faults.inject(.status(500), count: 100, method: "GET", pathPrefix: "/apis/apps/v1/namespaces/default/deployments/w/scale")
            let current = try await scaleTarget.scale(of: target).get()
            #expect(current.replicas == 2)
            try await scaleTarget.setReplicas(4, for: target, from: current, idleWorkers: []).get()
            // The next poll sees its own write at once, whether or not the watch event came.
            #expect(try await scaleTarget.scale(of: target).get().replicas == 4)
            #expect(try await api.get(.deployments, namespace: "default", name: "w")[path: ["spec", "replicas"]] == 4)
            // A Deployment the cache does not know is read from the API (which says it is missing).
            var missing = target
            missing.scaleTargetName = "nope"
            let read = await scaleTarget.scale(of: missing)
            let error = #expect(throws: ControllerError.self) { try read.get() }
            #expect(error?.code == .scaleTargetNotFound)
        }
    }

    @Test func aStaleCachedVersionIsAConflictThatIsReadAgainAndRetried() async throws {
        let (api, cache, scaleTarget, target) = try await Self.scaleTargetOnACache()
        try await Self.running(cache) {
            let current = try await scaleTarget.scale(of: target).get()
            // The Deployment changes (not its replicas) after the read: the guarded write gets a
            // 409, reads /scale again, sees the same count, and writes on the new version.
            var object = try await api.get(.deployments, namespace: "default", name: "w")
            object[path: ["metadata", "labels", "touched"]] = "yes"
            _ = try await api.update(.deployments, namespace: "default", object: object)
            try await scaleTarget.setReplicas(3, for: target, from: current, idleWorkers: []).get()
            #expect(try await api.getScale(deployment: "w", namespace: "default").spec.replicas == 3)
        }
    }
}
