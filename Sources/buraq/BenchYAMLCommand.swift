import ArgumentParser
import BuraqAPI
import BuraqYAML
import Foundation

/// `buraq bench-yaml`: parse speed of a large multi-document manifest (TaskQueues and
/// Deployments, the mix a cluster's manifests hold), parsing alone and with decoding and
/// validation. Run a release build: `swift run -c release buraq bench-yaml`.
struct BenchYAMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-yaml",
        abstract: "Measure YAML parsing, and TaskQueue decoding plus validation, on a generated multi-document manifest.")

    @Option(help: "Size of the generated manifest in MiB (ignored with --file).")
    var megabytes: Double = 1

    @Option(help: "Benchmark this file instead of a generated manifest.")
    var file: String?

    @Option(help: "Timed runs of each phase (after one warm-up run).")
    var iterations: Int = 20

    func validate() throws {
        guard iterations > 0, megabytes > 0 else { throw ValidationError("--iterations and --megabytes must be positive") }
    }

    func run() throws {
        let bytes: [UInt8]
        if let file {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } else {
            bytes = Self.manifest(bytes: Int(megabytes * 1_048_576))
        }
        let name = file ?? "generated"
        let documents = try YAMLParser().parse(bytes: bytes, file: name).count
        let mib = Double(bytes.count) / 1_048_576
        print(String(format: "buraq bench-yaml: %@, %.2f MiB, %d documents, %d runs", name, mib, documents, iterations))

        let parse = try Self.measure(iterations) { _ = try YAMLParser().parse(bytes: bytes, file: name) }
        Self.report("parse", parse, mib: mib, documents: documents)
        var taskQueues = 0
        let read = try Self.measure(iterations) {
            taskQueues = try TaskQueueManifest.read(bytes: bytes, file: name).filter(\.isValid).count
        }
        Self.report("parse+decode+validate", read, mib: mib, documents: documents)
        print("(\(taskQueues) valid TaskQueues per run)")
    }

    /// CPU seconds of `count` runs on this thread, sorted, after one warm-up run. CPU time rather
    /// than wall time: on a shared machine other processes' load does not count against us.
    static func measure(_ count: Int, _ body: () throws -> Void) throws -> [Double] {
        try body()
        var seconds: [Double] = []
        for _ in 0..<count {
            let start = threadCPUSeconds()
            try body()
            seconds.append(threadCPUSeconds() - start)
        }
        return seconds.sorted()
    }

    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func report(_ phase: String, _ seconds: [Double], mib: Double, documents: Int) {
        let median = seconds[seconds.count / 2]
        let best = seconds[0]
        let label = phase.padding(toLength: 22, withPad: " ", startingAt: 0)
        print(
            label
                + String(
                format: "median %7.2f ms CPU (%6.1f MiB/s, %8.0f documents/s), best %7.2f ms",
                median * 1000, mib / median, Double(documents) / median, best * 1000))
    }

    /// A manifest of about `bytes` bytes: TaskQueues (every field) alternating with worker Deployments.
    static func manifest(bytes: Int) -> [UInt8] {
        var text = ""
        var index = 0
        while text.utf8.count < bytes {
            text += """
                ---
                apiVersion: buraq.dev/v1alpha1
                kind: TaskQueue
                metadata:
                  name: queue-\(index)
                  namespace: jobs
                  labels: {app.kubernetes.io/name: queue-\(index), tier: "backend"}
                spec:
                  redis:
                    address: redis.jobs.svc:6379
                    passwordSecretRef: {name: redis-auth, key: password}
                  queue: queue-\(index)
                  priorities: [high, default, low]
                  workers:
                    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker-\(index)}
                    minReplicas: 0
                    maxReplicas: 50
                  scaling:
                    metric: backlog
                    targetPerReplica: 250
                    behavior:
                      scaleDown:
                        stabilizationWindowSeconds: 300
                        policies:
                        - {type: Percent, value: 50, periodSeconds: 60}
                        tolerance: "0.05"
                  retry:
                    maxRetries: 8
                    backoff: {initialDelayMilliseconds: 500, maxDelaySeconds: 120, multiplier: 2}
                  rateLimit: {tasksPerSecond: 500}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: worker-\(index)
                  namespace: jobs
                spec:
                  selector:
                    matchLabels: {app: worker-\(index)}
                  template:
                    metadata:
                      labels: {app: worker-\(index)}
                    spec:
                      containers:
                      - name: worker
                        image: "registry.example/worker:1.\(index % 10)"
                        args: ["--queue", "queue-\(index)", "--concurrency", "32"]
                        resources:
                          requests: {cpu: 250m, memory: 128Mi}

                """
            index += 1
        }
        return Array(text.utf8)
    }
}
