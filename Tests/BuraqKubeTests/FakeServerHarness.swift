import BuraqKube
import BuraqKubeFake
import Foundation

/// Starts a fake API server and a curl client pointed at it; stops both afterwards.
func withFakeServer<R>(
    _ configuration: FakeAPIServer.Configuration = FakeAPIServer.Configuration(),
    credentials: Credentials = .none,
    retry: RetryPolicy = RetryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(50)),
    _ body: (FakeAPIServer, KubeClient) async throws -> R
) async throws -> R {
    let server = try await FakeAPIServer.start(configuration: configuration)
    let client = KubeClient(configuration: ClientConfiguration(
        server: server.url, credentials: credentials, qps: 1000, burst: 1000, requestTimeout: .seconds(10), retry: retry))
    do {
        let result = try await body(server, client)
        client.shutdown()
        await server.shutdown()
        return result
    } catch {
        client.shutdown()
        await server.shutdown()
        throw error
    }
}

func deployment(_ name: String, replicas: Int = 1, labels: [String: String] = ["app": "web"]) -> JSONValue {
    let labelValue = JSONValue.object(labels.mapValues(JSONValue.string))
    return ["apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "labels": labelValue],
            "spec": ["replicas": .number(Double(replicas)), "selector": ["matchLabels": labelValue],
                     "template": ["metadata": ["labels": labelValue], "spec": ["containers": [["name": "w", "image": "busybox"]]]]]]
}

let taskQueueCRD: JSONValue = [
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": ["name": "taskqueues.buraq.dev"],
    "spec": [
        "group": "buraq.dev", "scope": "Namespaced",
        "names": ["kind": "TaskQueue", "listKind": "TaskQueueList", "plural": "taskqueues", "singular": "taskqueue", "shortNames": ["tq"]],
        "versions": [["name": "v1alpha1", "served": true, "storage": true,
                      "subresources": ["status": [:], "scale": ["specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"]],
                      "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]],
    ],
]
