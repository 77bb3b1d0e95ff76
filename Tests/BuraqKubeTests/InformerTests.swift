import BuraqKube
import BuraqKubeFake
import BuraqTestSupport
import Synchronization
import Testing

@Suite("Informer against the fake API server")
struct InformerTests {
    private func makeInformer(_ client: KubeClient, backoff: Duration = .milliseconds(10)) -> Informer<JSONValue> {
        var machine = ReflectorStateMachine<JSONValue>()
        machine.initialBackoff = backoff
        return Informer(api: client, resource: .deployments, namespace: "default", machine: machine)
    }

    private func lists(_ server: FakeAPIServer) -> [String] {
        server.requests.filter { $0.hasPrefix("GET /apis/apps/v1/namespaces/default/deployments") && !$0.contains("watch=1") }
    }

    private func watches(_ server: FakeAPIServer) -> [String] {
        server.requests.filter { $0.contains("watch=1") }
    }

    @Test func syncsAndFollowsChanges() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("a"))
            let informer = makeInformer(client)
            let run = Task { try await informer.run() }
            defer { run.cancel() }
            await informer.waitForSync()
            #expect(informer.list().map(\.name) == ["a"])
            _ = try await client.create(.deployments, namespace: "default", object: deployment("b"))
            _ = try await client.patchScale(name: "a", namespace: "default", replicas: 4)
            _ = try await client.delete(.deployments, namespace: "default", name: "b")
            let converged = try await eventually {
                informer.list().map(\.name) == ["a"] && informer.get("default/a")?[path: ["spec", "replicas"]] == 4
            }
            #expect(converged)
            var changes: [String] = []
            for await change in informer.changes {
                switch change {
                case .added(let o): changes.append("added \(o.name!)")
                case .updated(_, let o): changes.append("updated \(o.name!)")
                case .deleted(let o): changes.append("deleted \(o.name!)")
                }
                if changes.count == 4 { break }
            }
            #expect(changes == ["added a", "added b", "updated a", "deleted b"])
        }
    }

    @Test func transformShapesEveryCachedAndReportedObject() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("a"))
            // Keep metadata and spec.replicas only.
            let informer = Informer<JSONValue>(
                api: client, resource: .deployments, namespace: "default",
                transform: { object in
                    ["metadata": object["metadata"] ?? .null, "spec": ["replicas": object[path: ["spec", "replicas"]] ?? .null]]
                })
            let run = Task { try await informer.run() }
            defer { run.cancel() }
            await informer.waitForSync()
            _ = try await client.create(.deployments, namespace: "default", object: deployment("b"))
            _ = try await client.patchScale(name: "a", namespace: "default", replicas: 3)
            _ = try await client.delete(.deployments, namespace: "default", name: "b")
            #expect(try await eventually { informer.list().map(\.name) == ["a"] && informer.get("default/a")?[path: ["spec", "replicas"]] == 3 })
            // From the LIST (a) and from the watch (b added and deleted, a updated): all transformed.
            var seen: [JSONValue] = []
            for await change in informer.changes {
                switch change {
                case .added(let o), .updated(_, let o), .deleted(let o): seen.append(o)
                }
                if seen.count == 4 { break }
            }
            #expect(seen.map(\.name) == ["a", "b", "a", "b"])
            for object in seen + informer.list() {
                #expect(object.objectValue.map { Set($0.keys) } == ["metadata", "spec"])
                #expect(object["spec"]?.objectValue.map { Set($0.keys) } == ["replicas"])
            }
        }
    }

    @Test func droppedWatchResumesFromTheLastVersionWithoutRelisting() async throws {
        try await withFakeServer { server, client in
            let informer = makeInformer(client)
            let run = Task { try await informer.run() }
            defer { run.cancel() }
            await informer.waitForSync()
            _ = try await client.create(.deployments, namespace: "default", object: deployment("a"))
            #expect(try await eventually { informer.count == 1 && server.streamingWatches == 1 })
            let version = informer.resourceVersion!
            server.store.dropWatches()
            _ = try await client.create(.deployments, namespace: "default", object: deployment("b"))
            #expect(try await eventually { informer.count == 2 })
            #expect(lists(server).count == 1)
            #expect(watches(server).count >= 2)
            #expect(watches(server).dropFirst().first?.contains("resourceVersion=\(version)") == true)
        }
    }

    @Test(arguments: [false, true])
    func expiredWatchRelistsAndConverges(httpError: Bool) async throws {
        let configuration = FakeAPIServer.Configuration(bookmarkInterval: .seconds(60), expiredWatchAsHTTPError: httpError)
        try await withFakeServer(configuration) { server, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("a"))
            _ = try await client.create(.deployments, namespace: "default", object: deployment("b"))
            let informer = makeInformer(client, backoff: .milliseconds(400))
            let run = Task { try await informer.run() }
            defer { run.cancel() }
            await informer.waitForSync()
            #expect(try await eventually { server.streamingWatches == 1 })
            // While the informer is away: changes it misses, then the history is compacted.
            server.store.dropWatches()
            _ = try server.store.delete(.deployments, namespace: "default", name: "a")
            _ = try server.store.create(.deployments, namespace: "default", object: deployment("c"))
            server.store.compact()
            let converged = try await eventually { informer.list().map(\.name) == ["b", "c"] }
            // On failure, the server's last requests tell whether the re-watch was sent.
            #expect(converged, "last requests: \(server.requests.suffix(12)); streaming watches: \(server.streamingWatches)")
            let allLists = lists(server)
            #expect(allLists.count == 2)
            #expect(allLists.first?.contains("resourceVersion=0") == true)
            #expect(allLists.last?.contains("resourceVersion") == false, "The relist after 410 is a consistent read")
        }
    }
}

@Suite("Informer on the in-memory API")
struct InMemoryInformerTests {
    @Test func syncsFollowsBookmarksAndRelistsAfterExpiry() async throws {
        let api = InMemoryKubernetesAPI(bookmarkInterval: .milliseconds(20))
        _ = try await api.create(.deployments, namespace: "default", object: deployment("a"))
        var machine = ReflectorStateMachine<JSONValue>()
        machine.initialBackoff = .milliseconds(300)
        let informer = Informer<JSONValue>(api: api, resource: .deployments, namespace: "default", machine: machine)
        let run = Task { try await informer.run() }
        defer { run.cancel() }
        await informer.waitForSync()
        #expect(informer.list().map(\.name) == ["a"])
        // Bookmarks move the informer's version to the store's even without changes to deployments.
        _ = try await api.create(.configMaps, namespace: "default", object: ["metadata": ["name": "c"]])
        #expect(try await eventually { informer.resourceVersion == api.store.currentResourceVersion })
        api.store.dropWatches()
        _ = try api.store.delete(.deployments, namespace: "default", name: "a")
        _ = try api.store.create(.deployments, namespace: "default", object: deployment("b"))
        api.store.compact()
        #expect(try await eventually { informer.list().map(\.name) == ["b"] })
    }

    @Test func changesFeedAWorkQueueByKey() async throws {
        let api = InMemoryKubernetesAPI()
        let informer = Informer<JSONValue>(api: api, resource: .deployments, namespace: nil)
        let queue = WorkQueue<String>()
        let run = Task { try await informer.run() }
        let feed = Task { await informer.enqueueChanges(into: queue) }
        defer {
            run.cancel()
            feed.cancel()
        }
        _ = try await api.create(.deployments, namespace: "team", object: deployment("web"))
        _ = try await api.patchScale(name: "web", namespace: "team", replicas: 2)
        let key = await queue.get()
        #expect(key == "team/web")
    }

    /// A compact cached form: two fields and the identity.
    struct Replicas: InformerObject {
        var objectKey: String
        var resourceVersion: String?
        var replicas: Int?

        init(informing object: JSONValue) {
            objectKey = object.objectKey
            resourceVersion = object.resourceVersion
            replicas = object[path: ["spec", "replicas"]]?.intValue
        }
    }

    @Test func cachesACompactFormFromListsAndWatches() async throws {
        let api = InMemoryKubernetesAPI()
        _ = try await api.create(.deployments, namespace: "default", object: deployment("a"))
        _ = try await api.create(.deployments, namespace: "default", object: deployment("b"))
        let informer = Informer<Replicas>(api: api, resource: .deployments, namespace: "default")
        let seen = Mutex<[String]>([])
        let run = Task { try await informer.run() }
        let feed = Task {
            for await change in informer.changes {
                let line: String
                switch change {
                case .added(let o): line = "added \(o.objectKey) \(o.replicas.map(String.init) ?? "-")"
                case .updated(let old, let new): line = "updated \(new.objectKey) \(old.replicas ?? -1)->\(new.replicas ?? -1)"
                case .deleted(let o): line = "deleted \(o.objectKey)"
                }
                seen.withLock { $0.append(line) }
            }
        }
        defer {
            run.cancel()
            feed.cancel()
        }
        await informer.waitForSync()
        #expect(informer.count == 2)
        #expect(informer.get("default/a")?.replicas == 1)
        let scaled = try await api.patchScale(name: "a", namespace: "default", replicas: 4)
        _ = try await api.delete(.deployments, namespace: "default", name: "b")
        #expect(try await eventually { informer.get("default/a")?.replicas == 4 && informer.count == 1 })
        #expect(informer.get("default/a")?.resourceVersion == scaled.metadata.resourceVersion)
        #expect(informer.get("default/b") == nil)
        #expect(try await eventually {
            seen.withLock { $0 } == ["added default/a 1", "added default/b 1", "updated default/a 1->4", "deleted default/b"]
        })
    }
}
