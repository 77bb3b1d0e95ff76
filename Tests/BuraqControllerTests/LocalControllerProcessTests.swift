import BuraqBase
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// The `buraq-controller` executable in local mode, as a process of its own.
@Suite(.redisServer) struct LocalControllerProcessTests {
    /// A TaskQueue with one worker per 100 tasks (the default cooldown keeps it for a minute).
    static func manifest(_ queue: String) -> String {
        """
        apiVersion: buraq.dev/v1alpha1
        kind: TaskQueue
        metadata:
          name: \(queue)
        spec:
          queue: \(queue)
          workers:
            scaleTargetRef:
              name: \(queue)-worker
            minReplicas: 0
            maxReplicas: 2
          scaling:
            targetPerReplica: 100
        """
    }

    /// Killed with SIGKILL, the controller cannot stop its workers; each notices that its parent
    /// is gone and drains on its own (finishing the task it runs) instead of running on unowned.
    /// Also when `--worker-path` is a wrapper script that does not `exec`: the worker's parent is
    /// then the shell, which outlives the controller.
    @Test(arguments: [false, true])
    func workersStopGracefullyWhenTheControllerIsKilled(throughAWrapper: Bool) async throws {
        let server = try #require(RedisServer.current)
        let queue = "orphan-\(UUID().uuidString.prefix(6).lowercased())"
        let redis = try RedisClient(url: server.url, poolSize: 1)
        defer { redis.close() }
        // One task of two seconds: the worker is still running it when the controller dies.
        try await Producer(redis: redis, queue: queue).enqueue([TaskRequest(type: "sleep", text: "2000")])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buraq-orphan-\(queue)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("taskqueue.yaml")
        try Self.manifest(queue).write(to: file, atomically: true, encoding: .utf8)
        var arguments = ["--local", file.path, "--redis-url", server.url, "--metrics-bind-address", "0",
                         "--health-probe-bind-address", "0", "--worker-log-dir", directory.appendingPathComponent("workers").path]
        if throughAWrapper {
            let wrapper = directory.appendingPathComponent("worker.sh").path
            try "#!/bin/sh\n'\(try BuiltProduct.path("buraq-worker"))' \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
            arguments += ["--worker-path", wrapper]
        }
        let controller = try ChildProcess(
            executable: try BuiltProduct.path("buraq-controller"), arguments: arguments,
            outputPath: directory.appendingPathComponent("controller.log").path)
        defer { controller.kill9() }

        // The worker's PID, from the controller's "Started worker" line.
        var workerPID: Int32?
        let started = try await KubernetesModeTests.eventually(20) {
            guard let line = controller.output.split(separator: "\n").first(where: { $0.contains("Started worker") }),
                  let field = line.split(separator: " ").first(where: { $0.hasPrefix("pid=") }) else { return false }
            workerPID = Int32(field.dropFirst(4))
            return workerPID != nil
        }
        try #require(started, "no worker started (exited: \(controller.hasExited)):\n\(controller.output)")
        let pid = try #require(workerPID)
        let workerLog = directory.appendingPathComponent("workers").appendingPathComponent("\(queue)-\(controller.pid)-1.log").path
        // The worker is up (its signal handling and parent watch are set up) before the kill.
        #expect(try await KubernetesModeTests.eventually(20) {
            ((try? String(contentsOfFile: workerLog, encoding: .utf8)) ?? "").contains("Started worker")
        })
        // If it does not stop, end it and anything it started: the pool gives each worker a
        // process group of its own, led by the process it spawned.
        defer { if ProcessLiveness.isAlive(pid) { kill(-pid, SIGKILL) } }

        controller.kill9()
        #expect(try await KubernetesModeTests.eventually(15) { !ProcessLiveness.isAlive(pid) }, "worker \(pid) still runs after its controller was killed")
        let log = (try? String(contentsOfFile: workerLog, encoding: .utf8)) ?? ""
        #expect(log.contains("Parent process exited; stopping gracefully"), "\(log)")
        #expect(log.contains("Stopped worker") && log.contains("processed=1"), "it drained rather than dying: \(log)")
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.lag == 0 && stats.pending == 0, "the task finished and was acknowledged: \(stats)")
    }
}
