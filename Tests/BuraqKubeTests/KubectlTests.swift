import BuraqKube
import BuraqKubeFake
import BuraqTestSupport
import Foundation
import Testing

private let kubectlPath: String? = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let candidate = "\(dir)/kubectl"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}()

@Suite("kubectl against the fake API server")
struct KubectlTests {
    @Test(.enabled(if: kubectlPath != nil, "kubectl is not on PATH: install kubectl to run this test (skipped)"))
    func applyGetScalePatch() async throws {
        let server = try await FakeAPIServer.start()
        defer { Task { await server.shutdown() } }
        let directory = NSTemporaryDirectory() + "buraq-kubectl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kubeconfig = directory + "/config"
        try FakeKubeconfig.text(server: server.url, token: nil).write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        try taskQueueCRD.description.write(toFile: directory + "/crd.json", atomically: true, encoding: .utf8)
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: workers
              labels: {app: workers}
            spec:
              replicas: 1
              selector: {matchLabels: {app: workers}}
              template:
                metadata: {labels: {app: workers}}
                spec:
                  containers: [{name: worker, image: buraq-worker}]
            ---
            apiVersion: buraq.dev/v1alpha1
            kind: TaskQueue
            metadata: {name: emails}
            spec: {replicas: 1, stream: emails}
            """
        try manifest.write(toFile: directory + "/app.yaml", atomically: true, encoding: .utf8)

        func kubectl(_ arguments: String...) async throws -> String {
            let output = directory + "/out-\(UUID().uuidString)"
            let child = try ChildProcess(executable: kubectlPath!, arguments: arguments + ["--request-timeout=20s"],
                                         environment: ["KUBECONFIG": kubeconfig, "HOME": directory], outputPath: output)
            guard let code = try await child.wait(timeout: .seconds(60)) else {
                child.kill9()
                throw TestSupportError("kubectl \(arguments.joined(separator: " ")) did not finish")
            }
            #expect(code == 0, "kubectl \(arguments.joined(separator: " ")): \(child.output)")
            return child.output
        }

        #expect(try await kubectl("apply", "-f", directory + "/crd.json").contains("created"))
        #expect(try await kubectl("apply", "-f", directory + "/app.yaml").contains("taskqueue.buraq.dev/emails created"))
        #expect(try await kubectl("get", "tq", "emails", "-o", "jsonpath={.spec.stream}") == "emails")
        #expect(try await kubectl("scale", "deployment", "workers", "--replicas=4").contains("scaled"))
        #expect(try await kubectl("scale", "taskqueue", "emails", "--replicas=3").contains("scaled"))
        _ = try await kubectl("patch", "deployment", "workers", "--type=merge", "-p", #"{"metadata":{"labels":{"tier":"queue"}}}"#)
        _ = try await kubectl("patch", "deployment", "workers", "--type=json", "-p", #"[{"op":"add","path":"/metadata/annotations","value":{"a":"b"}}]"#)
        let json = try JSONValue(parsing: try await kubectl("get", "deployment", "workers", "-o", "json"))
        #expect(json[path: ["spec", "replicas"]] == 4)
        #expect(json.labels["tier"] == "queue")
        #expect(json.annotations["a"] == "b")
        #expect(json.generation == 2)
        #expect(try await kubectl("apply", "-f", directory + "/app.yaml").contains("deployment.apps/workers configured"))
        let deployment = try server.store.get(.deployments, namespace: "default", name: "workers")
        // A three-way apply sets the replicas the manifest declares again (why HPA users leave them out).
        #expect(deployment[path: ["spec", "replicas"]] == 1)
        #expect(deployment.labels["tier"] == "queue", "apply keeps fields it does not manage")
        #expect(try server.store.get(.taskQueues, namespace: "default", name: "emails")[path: ["spec", "replicas"]] == 1)
        #expect(try await kubectl("get", "deployments", "-o", "name").contains("deployment.apps/workers"))
        try? FileManager.default.removeItem(atPath: directory)
    }
}
