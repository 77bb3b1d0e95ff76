import BuraqAPI
import BuraqController
import BuraqKube
import BuraqKubeFake
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Kubernetes mode end to end: the fake API server over HTTP, the curl client, a real redis-server.
@Suite(.redisServer, .serialized) struct KubernetesModeTests {
    static let crd: JSONValue = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "taskqueues.buraq.dev"],
        "spec": [
            "group": "buraq.dev", "scope": "Namespaced",
            "names": ["kind": "TaskQueue", "listKind": "TaskQueueList", "plural": "taskqueues", "singular": "taskqueue"],
            "versions": [["name": "v1alpha1", "served": true, "storage": true, "subresources": ["status": [:]],
                          "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]],
        ],
    ]

    static func deployment(_ name: String, replicas: Int = 0) -> JSONValue {
        let labels: JSONValue = ["app": .string(name)]
        return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
                "spec": ["replicas": .number(Double(replicas)), "selector": ["matchLabels": labels],
                         "template": ["metadata": ["labels": labels], "spec": ["containers": [["name": "w", "image": "buraq-worker"]]]]]]
    }

    static func taskQueue(_ name: String, redis: String, max: Int = 5, perReplica: Int = 100) -> JSONValue {
        ["apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue", "metadata": ["name": .string(name)],
         "spec": ["redis": ["address": .string(redis)], "queue": .string(name),
                  "workers": ["scaleTargetRef": ["name": .string("\(name)-worker")], "maxReplicas": .number(Double(max))],
                  "scaling": ["targetPerReplica": .number(Double(perReplica)), "cooldownPeriodSeconds": 1,
                              "behavior": ["scaleDown": ["stabilizationWindowSeconds": 1]]]]]
    }

    /// A fake API server, a client, the CRD, and a Redis address.
    struct Harness {
        let server: FakeAPIServer
        let client: KubeClient
        let redisAddress: String
        let redisURL: String

        static func make() async throws -> Harness {
            let redis = try #require(RedisServer.current)
            let server = try await FakeAPIServer.start()
            let client = KubeClient(configuration: ClientConfiguration(
                server: server.url, credentials: .none, qps: 1000, burst: 1000, requestTimeout: .seconds(10),
                retry: RetryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(50))))
            _ = try await client.create(.customResourceDefinitions, namespace: nil, object: crd)
            return Harness(server: server, client: client, redisAddress: "127.0.0.1:\(redis.port)", redisURL: redis.url)
        }

        func stop() async {
            client.shutdown()
            await server.shutdown()
        }

        func controller(mayWrite: @escaping @Sendable () -> Bool = { true }, identity: String = "test") -> KubernetesModeController {
            // As buraq-controller wires it: scales read from a Deployment informer, statuses and
            // Events written by a StatusWriter.
            let deployments = DeploymentCache(api: client, namespaces: ["default"])
            let writer = StatusWriter(
                target: KubernetesStatusTarget(api: client, instance: identity), mayWrite: mayWrite,
                logger: Logger(label: "status-\(identity)"))
            let environment = ControllerEnvironment(
                metrics: RedisQueueMetricsSource(clients: RedisClients(), defaultURL: redisURL),
                scaleTarget: DeploymentScaleTarget(api: client, cache: deployments), status: writer,
                mayWrite: mayWrite, logger: Logger(label: "controller-\(identity)"))
            return KubernetesModeController(
                deployments: deployments, writer: writer,
                controller: ControllerService(
                    source: KubernetesTaskQueueSource(api: client, namespaces: ["default"]), environment: environment))
        }

        func replicas(_ deployment: String) async throws -> Int {
            try await client.getScale(deployment: deployment, namespace: "default").spec.replicas ?? 0
        }

        func status(_ name: String) async throws -> TaskQueueStatus? {
            try await client.get(.taskQueues, namespace: "default", name: name)["status"]?.decode(TaskQueueStatus.self)
        }

        func events(_ name: String) async throws -> [String] {
            try await client.list(.events, namespace: "default").items
                .filter { $0[path: ["regarding", "name"]]?.stringValue == name }
                .compactMap { $0["reason"]?.stringValue }
        }

        func enqueue(_ queue: String, _ count: Int) async throws {
            let redis = try RedisClient(url: redisURL, poolSize: 1)
            defer { redis.close() }
            _ = try await Producer(redis: redis, queue: queue).enqueue((0..<count).map { _ in TaskRequest(type: "noop") })
        }

        /// Empties a queue as finished workers would (the entries are acknowledged and trimmed).
        func drain(_ queue: String) async throws {
            let redis = try RedisClient(url: redisURL, poolSize: 1)
            defer { redis.close() }
            try await redis.send("DEL", "buraq:{\(queue)}:stream")
            try await redis.send("XGROUP", "CREATE", "buraq:{\(queue)}:stream", "buraq", "$", "MKSTREAM")
        }
    }

    /// ``eventually(_:_:)`` in whole seconds, with a condition that may fail on the way (an API
    /// read while the fake server is being made to fail counts as "not yet").
    static func eventually(_ seconds: Int = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        try await BuraqTestSupport.eventually(.seconds(seconds)) { (try? await condition()) == true }
    }

    @Test func scalesUpWritesStatusAndEventsThenDownToZeroAndBackFromOneMessage() async throws {
        let h = try await Harness.make()
        _ = try await h.client.create(.deployments, namespace: "default", object: Self.deployment("emails-worker"))
        _ = try await h.client.create(.taskQueues, namespace: "default", object: Self.taskQueue("emails", redis: h.redisAddress))
        // An invalid TaskQueue next to it: Degraded, and the other keeps scaling.
        var bad = Self.taskQueue("broken", redis: h.redisAddress)
        bad["spec"]?["workers"]?["maxReplicas"] = 0
        _ = try await h.client.create(.taskQueues, namespace: "default", object: bad)
        let controller = h.controller()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await controller.run() }
            #expect(try await Self.eventually { controller.isSynced })
            #expect(try await Self.eventually { try await h.status("emails")?.condition("Ready")?.status == .true })
            let sent = ContinuousClock.now
            try await h.enqueue("emails", 350)
            #expect(try await Self.eventually { try await h.replicas("emails-worker") == 4 })
            // Timed by the API server's arrival of the scale write, not by when this test's
            // polling saw it.
            let written = try #require(h.server.firstRequest("PATCH /apis/apps/v1/namespaces/default/deployments/emails-worker/scale", since: sent))
            #expect(written - sent < .seconds(2), "scaled within two polling intervals")
            #expect(try await Self.eventually {
                let status = try await h.status("emails")
                return status?.backlog == 350 && status?.replicas == 4 && status?.desiredReplicas == 4
                    && status?.observedGeneration == 1 && status?.lastScaleTime != nil
            })
            #expect(try await Self.eventually { try await h.events("emails").contains("SuccessfulRescale") })
            let broken = try await h.status("broken")
            #expect(broken?.condition("Degraded")?.status == .true)
            #expect(broken?.condition("Degraded")?.message.contains("spec.workers.maxReplicas") == true)
            #expect(try await h.events("broken").contains("InvalidSpec"))

            // Drained: down to zero after the cooldown; then one message scales from zero.
            try await h.drain("emails")
            #expect(try await Self.eventually(15) { try await h.replicas("emails-worker") == 0 })
            try await h.enqueue("emails", 1)
            #expect(try await Self.eventually { try await h.replicas("emails-worker") == 1 })
            group.cancelAll()
        }
        await h.stop()
    }

    @Test func convergesThroughServerErrorsConflictsAndAnExpiredWatch() async throws {
        let h = try await Harness.make()
        _ = try await h.client.create(.deployments, namespace: "default", object: Self.deployment("jobs-worker"))
        _ = try await h.client.create(.taskQueues, namespace: "default", object: Self.taskQueue("jobs", redis: h.redisAddress))
        let controller = h.controller()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await controller.run() }
            #expect(try await Self.eventually { controller.isSynced })
            // The scale write meets 500, 429, then 409 (someone else wrote): it still converges.
            h.server.faults.inject(.status(500), count: 2, method: "PATCH", pathPrefix: "/apis/apps/v1/namespaces/default/deployments/jobs-worker/scale")
            h.server.faults.inject(.status(429, retryAfterSeconds: 1), count: 1, method: "PATCH")
            h.server.faults.inject(.status(409), count: 1, method: "PATCH", pathPrefix: "/apis/apps/v1/namespaces/default/deployments/jobs-worker/scale")
            try await h.enqueue("jobs", 250)
            #expect(try await Self.eventually(15) { try await h.replicas("jobs-worker") == 3 })
            // The watch expires (410): the informer relists and sees a spec change made meanwhile.
            h.server.store.compact()
            h.server.store.dropWatches()
            // A merge patch, as kubectl would: a GET + PUT would race the controller's status writes (409).
            _ = try await h.client.patch(.taskQueues, namespace: "default", name: "jobs",
                                         patch: .merge(["spec": ["workers": ["maxReplicas": 2]]]))
            #expect(try await Self.eventually(15) { try await h.replicas("jobs-worker") == 2 })
            #expect(try await Self.eventually { try await h.status("jobs")?.observedGeneration == 2 })
            group.cancelAll()
        }
        await h.stop()
    }

    @Test func oneLeaderWritesAndAStandbyTakesOver() async throws {
        let h = try await Harness.make()
        _ = try await h.client.create(.deployments, namespace: "default", object: Self.deployment("mail-worker"))
        _ = try await h.client.create(.taskQueues, namespace: "default", object: Self.taskQueue("mail", redis: h.redisAddress))
        func elector(_ identity: String) throws -> LeaderElector {
            try LeaderElector(
                api: h.client,
                configuration: LeaderElectionConfiguration(
                    leaseName: "buraq-controller", namespace: "default", identity: identity, leaseDuration: .seconds(3),
                    renewDeadline: .seconds(2), retryPeriod: .milliseconds(500)))
        }
        let a = try elector("a")
        let b = try elector("b")
        let controllerA = h.controller(mayWrite: { a.isLeader }, identity: "a")
        let controllerB = h.controller(mayWrite: { b.isLeader }, identity: "b")
        let groupA = ServiceGroup(configuration: .init(services: [.init(service: a), .init(service: controllerA)], logger: Logger(label: "a")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await groupA.run() }
            #expect(try await Self.eventually { a.isLeader })
            group.addTask { try await b.run() }
            group.addTask { try await controllerB.run() }
            try await h.enqueue("mail", 150)
            #expect(try await Self.eventually { try await h.replicas("mail-worker") == 2 })
            #expect(!b.isLeader, "one leader at a time")
            // The leader stops (releasing the Lease): the standby takes over within the lease duration.
            await groupA.triggerGracefulShutdown()
            #expect(try await Self.eventually(5) { b.isLeader })
            try await h.enqueue("mail", 200)
            #expect(try await Self.eventually { try await h.replicas("mail-worker") == 4 })
            let lease = try await h.client.getLease(name: "buraq-controller", namespace: "default")
            #expect(lease.spec.holderIdentity == "b")
            group.cancelAll()
        }
        await h.stop()
    }
}

/// The controller's Kubernetes-mode services (Deployment cache and polling) as one `Service`.
struct KubernetesModeController: Service {
    let deployments: DeploymentCache
    let writer: StatusWriter
    let controller: ControllerService

    var isSynced: Bool { controller.isSynced && deployments.hasSynced }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await deployments.run() }
            group.addTask { try await writer.run() }
            group.addTask { try await controller.run() }
            try await group.waitForAll()
        }
    }
}
