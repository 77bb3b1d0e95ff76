import BuraqController
import BuraqKube
import BuraqKubeFake
import BuraqScaling
import Testing

/// The Deployment scale target on the in-memory API (the fake server's store, no sockets).
@Suite struct DeploymentScaleTargetTests {
    static func pod(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": ["app": "w"]],
         "spec": ["containers": [["name": "w", "image": "buraq-worker"]]]]
    }

    @Test func idlePodsGetTheDeletionCostBeforeAScaleDown() async throws {
        let api = InMemoryKubernetesAPI()
        let labels: JSONValue = ["app": "w"]
        _ = try await api.create(
            .deployments, namespace: "default",
            object: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "w"],
                     "spec": ["replicas": 3, "selector": ["matchLabels": labels],
                              "template": ["metadata": ["labels": labels], "spec": ["containers": [["name": "w", "image": "x"]]]]]])
        for name in ["w-a", "w-b", "w-c"] { _ = try await api.create(.pods, namespace: "default", object: Self.pod(name)) }
        let target = QueueTarget(
            key: TaskQueueKey(namespace: "default", name: "q"), queue: "q",
            scaling: ScalingSpec(targetPerReplica: 10, maxReplicas: 5), scaleTargetName: "w")
        let scaleTarget = DeploymentScaleTarget(api: api)
        let current = try await scaleTarget.scale(of: target).get()
        #expect(current.replicas == 3)
        // Two idle workers named, one replica removed: only one pod is marked.
        try await scaleTarget.setReplicas(2, for: target, from: current, idleWorkers: ["w-b", "w-c"]).get()
        #expect(try await api.getScale(deployment: "w", namespace: "default").spec.replicas == 2)
        func cost(_ pod: String) async throws -> String? {
            try await api.get(.pods, namespace: "default", name: pod)[
                path: ["metadata", "annotations", DeploymentScaleTarget.deletionCostAnnotation]]?.stringValue
        }
        #expect(try await cost("w-a") == nil)
        #expect(try await cost("w-b") == DeploymentScaleTarget.idleDeletionCost)
        #expect(try await cost("w-c") == nil)
        // A missing Deployment is ScaleTargetNotFound with what to do.
        var missing = target
        missing.scaleTargetName = "nope"
        guard case .failure(let error) = await scaleTarget.scale(of: missing) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .scaleTargetNotFound)
        #expect(error.message.contains("spec.workers.scaleTargetRef.name"))
    }
}
