import ArgumentParser
import BuraqController
import BuraqKube
import BuraqKubeFake
import Foundation

/// Measures the Kubernetes client: a scale patch round trip, and an informer's memory.
@main
struct KubeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-kube-bench",
        abstract: "Benchmarks of the Kubernetes client against a fake API server.",
        subcommands: [ScaleBench.self, InformerBench.self])
}

struct ServerOptions: ParsableArguments {
    @Option(help: "API server URL (e.g. a separate buraq-fake-apiserver); default: a fake server in this process.")
    var server: String?

    func withClient<R>(_ body: (KubeClient) async throws -> R) async throws -> R {
        var fake: FakeAPIServer?
        var url = server
        if url == nil {
            fake = try await FakeAPIServer.start()
            url = fake!.url
        }
        let client = KubeClient(configuration: ClientConfiguration(server: url!, qps: 1_000_000, burst: 1_000_000))
        let result = try await body(client)
        client.shutdown()
        await fake?.shutdown()
        return result
    }
}

/// CPU seconds of this process (user + system).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Resident set size of this process, bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func microseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
}

struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Scale patch round trips on deployments/scale.")
    @OptionGroup var options: ServerOptions
    @Option(help: "Round trips to time.") var count = 2000

    func run() async throws {
        try await options.withClient { client in
            let name = "bench-\(UInt32.random(in: 0...UInt32.max))"
            let object: JSONValue = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
                "spec": ["replicas": 1, "selector": ["matchLabels": ["app": "bench"]],
                         "template": ["metadata": ["labels": ["app": "bench"]], "spec": ["containers": [["name": "w", "image": "x"]]]]],
            ]
            _ = try await client.create(.deployments, namespace: "default", object: object)
            for i in 0..<100 { _ = try await client.patchScale(name: name, namespace: "default", replicas: i % 10) }

            var plain: [Double] = []
            let cpuStart = cpuSeconds()
            let wallStart = ContinuousClock.now
            for i in 0..<count {
                let start = ContinuousClock.now
                _ = try await client.patchScale(name: name, namespace: "default", replicas: i % 10 + 1)
                plain.append(microseconds(ContinuousClock.now - start))
            }
            let cpuPlain = (cpuSeconds() - cpuStart) / Double(count)
            let wallPlain = ContinuousClock.now - wallStart

            var guarded: [Double] = []
            for i in 0..<count {
                let start = ContinuousClock.now
                let scale = try await client.getScale(deployment: name, namespace: "default")
                _ = try await client.patchScale(name: name, namespace: "default", replicas: i % 10 + 1,
                                                resourceVersion: scale.metadata.resourceVersion)
                guarded.append(microseconds(ContinuousClock.now - start))
            }
            plain.sort()
            guarded.sort()
            func line(_ label: String, _ values: [Double]) -> String {
                String(format: "%@: p50 %.0f µs, p90 %.0f µs, p99 %.0f µs, mean %.0f µs", label,
                       percentile(values, 0.5), percentile(values, 0.9), percentile(values, 0.99), values.reduce(0, +) / Double(values.count))
            }
            print("server: \(options.server ?? "in-process fake"), round trips: \(count)")
            print(line("PATCH deployments/scale (merge patch)", plain))
            print(String(format: "  throughput %.0f/s sequential, CPU of this process %.0f µs per patch",
                         Double(count) / (microseconds(wallPlain) / 1e6), cpuPlain * 1e6))
            print(line("GET scale + PATCH scale with resourceVersion guard", guarded))
            _ = try await client.delete(.deployments, namespace: "default", name: name)
        }
    }
}

struct InformerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "informer", abstract: "Memory of an informer holding TaskQueues.")
    @OptionGroup var options: ServerOptions
    @Option(help: "TaskQueues to create and cache.") var objects = 1000
    @Flag(help: "Cache only what buraq-controller's TaskQueue informer keeps (identity, generation, spec).") var controllerView = false
    @Option(help: "Objects per LIST page.") var pageSize = 500

    func run() async throws {
        try await options.withClient { client in
            let crd: JSONValue = [
                "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "taskqueues.buraq.dev"],
                "spec": ["group": "buraq.dev", "scope": "Namespaced",
                         "names": ["kind": "TaskQueue", "listKind": "TaskQueueList", "plural": "taskqueues", "singular": "taskqueue"],
                         "versions": [["name": "v1alpha1", "served": true, "storage": true, "subresources": ["status": [:]]]]],
            ]
            do { _ = try await client.create(.customResourceDefinitions, namespace: nil, object: crd) } catch let e as KubeAPIError where e.isAlreadyExists {}
            let namespace = "bench-\(UInt32.random(in: 0...UInt32.max))"
            var bytes = 0
            for i in 0..<objects {
                let queue = Self.taskQueue(name: "queue-\(i)", namespace: namespace)
                let created = try await client.create(.taskQueues, namespace: namespace, object: queue)
                var withStatus = created
                withStatus["status"] = Self.status(i)
                let stored = try await client.updateStatus(.taskQueues, namespace: namespace, object: withStatus)
                bytes += try stored.serialized().count
            }
            // Warm the client and allocator the same way before measuring.
            _ = try await client.list(.taskQueues, namespace: namespace, options: ListOptions(limit: 1))
            let before = residentBytes()
            let (count, syncTime, after) =
                controllerView
                ? try await Self.sync(Informer<KubernetesTaskQueueSource.View>(
                    api: client, resource: .taskQueues, namespace: namespace, pageSize: pageSize))
                : try await Self.sync(Informer<JSONValue>(api: client, resource: .taskQueues, namespace: namespace, pageSize: pageSize))
            print("objects cached: \(count), JSON size \(bytes) bytes (\(bytes / max(objects, 1)) per object)")
            print(String(format: "informer sync (first LIST, resourceVersion=0: one response): %.0f ms", microseconds(syncTime) / 1000))
            print(String(format: "resident memory: %.1f MiB before the informer, %.1f MiB after; growth %.2f MiB (%.1f KiB per object)",
                         Double(before) / 1_048_576, Double(after) / 1_048_576, Double(after - before) / 1_048_576,
                         Double(after - before) / 1024 / Double(max(objects, 1))))
        }
    }

    /// Runs `informer` until it synced and settled, then stops it; returns its object count, the
    /// time the first LIST took and the resident memory while the cache was held.
    static func sync<Object: InformerObject>(_ informer: Informer<Object>) async throws -> (Int, Duration, Int) {
        let run = Task { try await informer.run() }
        let drain = Task { for await _ in informer.changes {} }
        defer {
            run.cancel()
            drain.cancel()
        }
        let started = ContinuousClock.now
        await informer.waitForSync()
        let syncTime = ContinuousClock.now - started
        try await Task.sleep(for: .milliseconds(500))
        return (informer.count, syncTime, residentBytes())
    }

    static func taskQueue(name: String, namespace: String) -> JSONValue {
        [
            "apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue",
            "metadata": ["name": .string(name), "namespace": .string(namespace),
                         "labels": ["app.kubernetes.io/name": "buraq", "team": "payments"]],
            "spec": [
                "redis": ["address": "redis.buraq.svc:6379", "database": 0, "passwordSecretRef": ["name": "redis", "key": "password"]],
                "queue": .string(name), "consumerGroup": "buraq",
                "workers": ["scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name + "-worker")],
                            "minReplicas": 0, "maxReplicas": 20],
                "scaling": ["targetPerReplica": 100, "activationThreshold": 1, "pollingIntervalSeconds": 1, "cooldownPeriodSeconds": 60],
                "retry": ["maxRetries": 5, "backoff": ["initialSeconds": 1, "maxSeconds": 300]],
                "visibilityTimeoutSeconds": 300, "taskTimeoutSeconds": 60,
            ],
        ]
    }

    static func status(_ i: Int) -> JSONValue {
        let condition = { (type: String, reason: String) -> JSONValue in
            ["type": .string(type), "status": "True", "reason": .string(reason), "observedGeneration": 1,
             "message": "Backlog 1200 over 12 replicas at 100 per replica", "lastTransitionTime": "2026-12-03T18:00:00Z"]
        }
        return ["observedGeneration": 1, "replicas": 12, "desiredReplicas": 12, "backlog": .number(Double(1200 + i)), "lag": 1100,
                "pending": 100, "scheduled": 3, "deadLetters": 0, "lastScaleTime": "2026-12-03T18:00:00Z",
                "conditions": [condition("Ready", "QueueReadable"), condition("Active", "BacklogAboveThreshold")]]
    }
}
