import BuraqKube
import BuraqKubeFake
import BuraqTestSupport
import Testing

@Suite("KubeClient operations against the fake API server")
struct ClientOperationTests {
    @Test func createGetListDelete() async throws {
        try await withFakeServer { _, client in
            let created = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            #expect(created.generation == 1)
            #expect(created.uid != nil)
            let fetched = try await client.get(.deployments, namespace: "default", name: "web")
            #expect(fetched == created)
            _ = try await client.create(.deployments, namespace: "other", object: deployment("api", labels: ["app": "api"]))
            #expect(try await client.list(.deployments, namespace: "default").items.map(\.name) == ["web"])
            #expect(try await client.list(.deployments, namespace: nil).items.count == 2)
            let deleted = try await client.delete(.deployments, namespace: "default", name: "web")
            #expect(deleted.name == "web")
            await #expect(throws: KubeAPIError.self) { try await client.get(.deployments, namespace: "default", name: "web") }
        }
    }

    @Test func selectorsAndPaging() async throws {
        try await withFakeServer { _, client in
            for i in 0..<5 {
                _ = try await client.create(.deployments, namespace: "default",
                                            object: deployment("d\(i)", labels: ["app": "web", "tier": i % 2 == 0 ? "even" : "odd"]))
            }
            let odd = try await client.list(.deployments, namespace: "default", options: ListOptions(labelSelector: "app=web,tier!=even"))
            #expect(odd.items.map(\.name) == ["d1", "d3"])
            let set = try await client.list(.deployments, namespace: "default", options: ListOptions(labelSelector: "tier in (odd),app"))
            #expect(set.items.count == 2)
            let byName = try await client.list(.deployments, namespace: "default", options: ListOptions(fieldSelector: "metadata.name=d4"))
            #expect(byName.items.map(\.name) == ["d4"])
            let first = try await client.list(.deployments, namespace: "default", options: ListOptions(limit: 2))
            #expect(first.items.map(\.name) == ["d0", "d1"])
            #expect(first.continueToken != nil)
            #expect(first.remainingItemCount == 3)
            let all = try await client.listAll(.deployments, namespace: "default", options: ListOptions(limit: 2))
            #expect(all.items.map(\.name) == ["d0", "d1", "d2", "d3", "d4"])
        }
    }

    @Test func updateWithStaleResourceVersionIsATypedConflict() async throws {
        try await withFakeServer { _, client in
            let created = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            var first = created
            first[path: ["spec", "replicas"]] = 2
            let updated = try await client.update(.deployments, namespace: "default", object: first)
            #expect(updated.generation == 2)
            #expect(updated.resourceVersion != created.resourceVersion)
            var stale = created
            stale[path: ["spec", "replicas"]] = 3
            do {
                _ = try await client.update(.deployments, namespace: "default", object: stale)
                Issue.record("Stale update succeeded")
            } catch let error as KubeAPIError {
                #expect(error.isConflict)
                #expect(error.code == 409)
                #expect(error.reason == "Conflict")
                #expect(error.details?.name == "web")
            }
        }
    }

    @Test func generationMovesOnSpecChangesOnly() async throws {
        try await withFakeServer { _, client in
            let created = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            let labelled = try await client.patch(.deployments, namespace: "default", name: "web",
                                                  patch: .merge(["metadata": ["labels": ["extra": "yes"]]]))
            #expect(labelled.generation == 1)
            #expect(labelled.resourceVersion != created.resourceVersion)
            let status = try await client.patchStatus(.deployments, namespace: "default", name: "web",
                                                      patch: .merge(["status": ["replicas": 1]]))
            #expect(status.generation == 1)
            #expect(status[path: ["status", "replicas"]] == 1)
            let spec = try await client.patch(.deployments, namespace: "default", name: "web",
                                              patch: .merge(["spec": ["replicas": 5], "status": ["replicas": 9]]))
            #expect(spec.generation == 2)
            #expect(spec[path: ["status", "replicas"]] == 1, "The main resource ignores status")
        }
    }

    @Test func mergeAndJSONPatch() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            let merged = try await client.patch(.deployments, namespace: "default", name: "web",
                                                patch: .merge(["metadata": ["labels": ["app": nil, "team": "q"]]]))
            #expect(merged.labels == ["team": "q"])
            let patched = try await client.patch(.deployments, namespace: "default", name: "web", patch: .json([
                .test("/spec/replicas", 1), .replace("/spec/replicas", 7), .add("/metadata/annotations", ["a": "b"]),
            ]))
            #expect(patched[path: ["spec", "replicas"]] == 7)
            #expect(patched.annotations == ["a": "b"])
            await #expect(throws: KubeAPIError.self) {
                try await client.patch(.deployments, namespace: "default", name: "web", patch: .json([.test("/spec/replicas", 1)]))
            }
        }
    }

    @Test func statusSubresourceWritesOnlyStatus() async throws {
        try await withFakeServer { _, client in
            var object = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            object[path: ["status", "readyReplicas"]] = 1
            object[path: ["spec", "replicas"]] = 10
            let written = try await client.updateStatus(.deployments, namespace: "default", object: object)
            #expect(written[path: ["status", "readyReplicas"]] == 1)
            #expect(written[path: ["spec", "replicas"]] == 1)
            let status = try await client.get(.deployments, namespace: "default", name: "web", subresource: "status")
            #expect(status[path: ["status", "readyReplicas"]] == 1)
        }
    }

    @Test func scaleSubresourceWithResourceVersionGuard() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web", replicas: 2))
            let scale = try await client.getScale(deployment: "web", namespace: "default")
            #expect(scale.spec.replicas == 2)
            #expect(scale.status?.selector == "app=web")
            let scaled = try await client.patchScale(name: "web", namespace: "default", replicas: 5,
                                                     resourceVersion: scale.metadata.resourceVersion)
            #expect(scaled.spec.replicas == 5)
            let object = try await client.get(.deployments, namespace: "default", name: "web")
            #expect(object[path: ["spec", "replicas"]] == 5)
            #expect(object.generation == 2)
            do {
                _ = try await client.patchScale(name: "web", namespace: "default", replicas: 1,
                                                resourceVersion: scale.metadata.resourceVersion)
                Issue.record("Stale scale patch succeeded")
            } catch let error as KubeAPIError {
                #expect(error.isConflict)
            }
            var put = scaled
            put.spec.replicas = 3
            #expect(try await client.updateScale(.deployments, put).spec.replicas == 3)
        }
    }

    @Test func customResourcesWithStatusAndScale() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.customResourceDefinitions, namespace: nil, object: taskQueueCRD)
            let queue: JSONValue = ["apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue", "metadata": ["name": "emails"],
                                    "spec": ["replicas": 1, "stream": "emails", "someFutureField": ["kept": true]]]
            let created = try await client.create(.taskQueues, namespace: "default", object: queue)
            #expect(created[path: ["spec", "someFutureField", "kept"]] == true)
            _ = try await client.patchStatus(.taskQueues, namespace: "default", name: "emails",
                                             patch: .merge(["status": ["replicas": 1, "backlog": 12]]))
            let scale = try await client.getScale(.taskQueues, name: "emails", namespace: "default")
            #expect(scale.spec.replicas == 1)
            #expect(scale.status?.replicas == 1)
            _ = try await client.patchScale(.taskQueues, name: "emails", namespace: "default", replicas: 4)
            let after = try await client.get(.taskQueues, namespace: "default", name: "emails")
            #expect(after[path: ["spec", "replicas"]] == 4)
            #expect(after[path: ["status", "backlog"]] == 12)
        }
    }

    @Test func leasesAndEvents() async throws {
        try await withFakeServer { _, client in
            let lease = try await client.createLease(Lease(
                metadata: ObjectMeta(name: "buraq-controller", namespace: "default"),
                spec: Lease.Spec(holderIdentity: "a", leaseDurationSeconds: 15)))
            #expect(lease.spec.holderIdentity == "a")
            var stolen = lease
            stolen.spec.holderIdentity = "b"
            _ = try await client.updateLease(stolen)
            var late = lease
            late.spec.holderIdentity = "c"
            await #expect(throws: KubeAPIError.self) { try await client.updateLease(late) }
            #expect(try await client.getLease(name: "buraq-controller", namespace: "default").spec.holderIdentity == "b")

            let deploymentObject = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            let event = try await client.createEvent(Event(
                metadata: ObjectMeta(name: "web.1", namespace: "default"), eventTime: KubeTime.formatMicro(.now),
                reportingController: "buraq.dev/taskqueue-controller", reportingInstance: "pod-1", action: "Scale",
                reason: "ScaledUp", regarding: ObjectReference(deploymentObject), note: "Scaled from 1 to 3 replicas: backlog 700",
                type: .normal))
            #expect(event.reason == "ScaledUp")
            #expect(event.regarding.name == "web")
        }
    }

    @Test func watchStreamsEventsOneByOne() async throws {
        try await withFakeServer(FakeAPIServer.Configuration(bookmarkInterval: .milliseconds(50))) { _, client in
            let start = try await client.list(.deployments, namespace: "default")
            let events = try await client.watch(.deployments, namespace: "default",
                                                options: WatchOptions(resourceVersion: start.resourceVersion, timeoutSeconds: 30))
            var iterator = events.makeAsyncIterator()
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            var seen = try await iterator.next()
            while seen?.type == .bookmark { seen = try await iterator.next() }
            #expect(seen?.type == .added)
            #expect(seen?.object.name == "web")
            _ = try await client.patchScale(name: "web", namespace: "default", replicas: 3)
            var next = try await iterator.next()
            while next?.type == .bookmark { next = try await iterator.next() }
            #expect(next?.type == .modified)
            #expect(next?.object[path: ["spec", "replicas"]] == 3)
            var bookmark = try await iterator.next()
            while bookmark?.type != .bookmark { bookmark = try await iterator.next() }
            #expect(bookmark?.object.resourceVersion == next?.object.resourceVersion)
            _ = try await client.delete(.deployments, namespace: "default", name: "web")
            var deleted = try await iterator.next()
            while deleted?.type == .bookmark { deleted = try await iterator.next() }
            #expect(deleted?.type == .deleted)
        }
    }

    @Test func watchEndsAtItsTimeout() async throws {
        try await withFakeServer { _, client in
            let events = try await client.watch(.deployments, namespace: "default",
                                                options: WatchOptions(allowWatchBookmarks: false, timeoutSeconds: 1))
            var count = 0
            for try await _ in events { count += 1 }
            #expect(count == 0)
        }
    }

    @Test func watchFromACompactedVersionIsExpired() async throws {
        try await withFakeServer { server, client in
            let old = try await client.list(.deployments, namespace: "default").resourceVersion
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            server.store.compact()
            let events = try await client.watch(.deployments, namespace: "default", options: WatchOptions(resourceVersion: old))
            var iterator = events.makeAsyncIterator()
            let event = try await iterator.next()
            #expect(event?.type == .error)
            #expect(event?.error?.code == 410)
            #expect(event?.error?.isExpired == true)
        }
        try await withFakeServer(FakeAPIServer.Configuration(expiredWatchAsHTTPError: true)) { server, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            server.store.compact()
            do {
                _ = try await client.watch(.deployments, namespace: "default", options: WatchOptions(resourceVersion: "1"))
                Issue.record("Watch from a compacted version started")
            } catch let error as KubeAPIError {
                #expect(error.code == 410)
                #expect(error.isExpired)
            }
        }
    }

    @Test func unknownFieldsSurviveReadModifyWrite() async throws {
        try await withFakeServer { _, client in
            var object = deployment("web")
            object[path: ["spec", "progressDeadlineSeconds"]] = 600
            object["x-vendor"] = ["anything": [1, 2, 3]]
            _ = try await client.create(.deployments, namespace: "default", object: object)
            var read = try await client.get(.deployments, namespace: "default", name: "web")
            read[path: ["spec", "replicas"]] = 2
            let written = try await client.update(.deployments, namespace: "default", object: read)
            #expect(written[path: ["spec", "progressDeadlineSeconds"]] == 600)
            #expect(written["x-vendor"] == ["anything": [1, 2, 3]])
        }
    }
}

@Suite("Watch streams: flow control and ending")
struct WatchFlowTests {
    @Test func slowReaderPausesTheTransferAndLosesNothing() async throws {
        let server = try await FakeAPIServer.start()
        for i in 0..<300 {
            _ = try server.store.create(.deployments, namespace: "default", object: deployment(String(format: "d%03d", i)))
        }
        // 4 KiB of unread body pauses the transfer (the default is 4 MiB).
        let transport = CurlTransport(baseURL: server.url, streamBufferLimit: 4096)
        let client = KubeClient(configuration: ClientConfiguration(server: server.url), transport: transport)
        let events = try await client.watch(.deployments, namespace: "default",
                                            options: WatchOptions(allowWatchBookmarks: false, timeoutSeconds: 30))
        var names: [String] = []
        for try await event in events {
            if names.isEmpty { try await Task.sleep(for: .milliseconds(200)) }  // let the unread bytes pile up
            #expect(event.type == .added)
            names.append(event.object.name ?? "")
            if names.count == 300 { break }
        }
        #expect(names == (0..<300).map { String(format: "d%03d", $0) })
        transport.shutdown()
        await server.shutdown()
    }

    @Test(arguments: ["ldap://127.0.0.1:1", "rtmp://127.0.0.1:1", "file:///etc"])
    func onlyHTTPAndHTTPSAreSpoken(server: String) async throws {
        let transport = CurlTransport(baseURL: server)
        defer { transport.shutdown() }
        let client = KubeClient(configuration: ClientConfiguration(server: server), transport: transport)
        do {
            _ = try await client.list(.deployments, namespace: "default")
            Issue.record("A \(server) request was sent")
        } catch let error as KubeClientError {
            #expect(error.context["curlCode"] == "1", "CURLE_UNSUPPORTED_PROTOCOL: \(error)")
        }
    }

    @Test func droppingAWatchEndsItOnTheServer() async throws {
        try await withFakeServer(FakeAPIServer.Configuration(bookmarkInterval: .milliseconds(20))) { server, client in
            do {
                let events = try await client.watch(.deployments, namespace: "default", options: WatchOptions(timeoutSeconds: 60))
                var iterator = events.makeAsyncIterator()
                _ = try await iterator.next()
                #expect(server.store.openWatches == 1)
            }
            #expect(try await eventually { server.store.openWatches == 0 })
        }
    }
}

import Foundation

@Suite("Fake store: simulated deployment controller")
struct SimulatedDeploymentTests {
    @Test func statusFollowsSpecAsASecondWrite() async throws {
        let api = InMemoryKubernetesAPI(store: FakeAPIStore(simulatesDeployments: true))
        let created = try await api.create(.deployments, namespace: "default", object: deployment("web", replicas: 2))
        #expect(created["status"] == nil)
        let settled = try await api.get(.deployments, namespace: "default", name: "web")
        #expect(settled[path: ["status", "readyReplicas"]] == 2)
        #expect(settled[path: ["status", "observedGeneration"]] == 1)
        let scale = try await api.patchScale(name: "web", namespace: "default", replicas: 5)
        #expect(scale.spec.replicas == 5)
        #expect(scale.status?.replicas == 2, "The patch's answer comes before the controller's write")
        let after = try await api.getScale(deployment: "web", namespace: "default")
        #expect(after.status?.replicas == 5)
        #expect(after.metadata.resourceVersion != scale.metadata.resourceVersion)
        // A label change does not move the generation, so no status write.
        let labelled = try await api.patch(.deployments, namespace: "default", name: "web", patch: .merge(["metadata": ["labels": ["x": "y"]]]))
        #expect(try await api.get(.deployments, namespace: "default", name: "web").resourceVersion == labelled.resourceVersion)
    }
}
