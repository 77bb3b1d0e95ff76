import BuraqController
import Foundation
import Synchronization
import Testing

/// TaskQueue YAML files in local mode: read, reloaded on change, a bad file isolated.
@Suite struct LocalTaskQueueSourceTests {
    static func yaml(_ name: String, max: Int = 4, queue: String? = nil) -> String {
        """
        apiVersion: buraq.dev/v1alpha1
        kind: TaskQueue
        metadata:
          name: \(name)
        spec:
          queue: \(queue ?? name)
          workers:
            scaleTargetRef: {name: \(name)-worker}
            maxReplicas: \(max)
          scaling:
            targetPerReplica: 100
        """
    }

    final class Changes: Sendable {
        let all = Mutex<[TaskQueueChange]>([])
        func add(_ change: TaskQueueChange) { all.withLock { $0.append(change) } }
        func take() -> [TaskQueueChange] { all.withLock { let x = $0; $0 = []; return x } }
        func wait(for count: Int) async throws -> [TaskQueueChange] {
            for _ in 0..<200 where all.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(20)) }
            return take()
        }
    }

    static func describe(_ changes: [TaskQueueChange]) -> [String] {
        changes.map {
            switch $0 {
            case .synced: "synced"
            case .delete(let key): "delete \(key)"
            case .upsert(let key, let generation, .success(let target)): "ok \(key) g\(generation) max \(target.scaling.maxReplicas) \(target.redisURL ?? "-")"
            case .upsert(let key, let generation, .failure(let error)): "bad \(key) g\(generation) \(error.code)"
            }
        }
    }

    @Test func readsReloadsAndIsolatesBadFiles() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tq-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.yaml("a") + "\n---\n" + Self.yaml("b", max: 2)).write(toFile: "\(dir)/ab.yaml", atomically: true, encoding: .utf8)
        try "spec: [unclosed".write(toFile: "\(dir)/broken.yaml", atomically: true, encoding: .utf8)
        try Self.yaml("c", max: 0).write(toFile: "\(dir)/c.yml", atomically: true, encoding: .utf8)
        try "ignored".write(toFile: "\(dir)/notes.txt", atomically: true, encoding: .utf8)

        let source = LocalTaskQueueSource(
            path: dir, interval: .milliseconds(50),
            decode: TaskQueueFileReader.decoder(defaultRedisURL: "redis://127.0.0.1:7000/2"))
        let changes = Changes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run { changes.add($0) } }
            let first = Self.describe(try await changes.wait(for: 5))
            #expect(first == [
                "ok local/a g1 max 4 redis://127.0.0.1:7000/2",
                "ok local/b g1 max 2 redis://127.0.0.1:7000/2",
                "bad local/broken g1 InvalidSpec",
                "bad local/c g1 InvalidSpec",
                "synced",
            ])
            // Edit one document: only it changes, with a new generation.
            try (Self.yaml("a") + "\n---\n" + Self.yaml("b", max: 3)).write(toFile: "\(dir)/ab.yaml", atomically: true, encoding: .utf8)
            #expect(Self.describe(try await changes.wait(for: 1)) == ["ok local/b g2 max 3 redis://127.0.0.1:7000/2"])
            // Break the file: its TaskQueues stay (Degraded), nothing is deleted.
            try "spec: {".write(toFile: "\(dir)/ab.yaml", atomically: true, encoding: .utf8)
            #expect(Self.describe(try await changes.wait(for: 2)) == ["bad local/a g2 InvalidSpec", "bad local/b g3 InvalidSpec"])
            // Remove it: both are deleted.
            try FileManager.default.removeItem(atPath: "\(dir)/ab.yaml")
            #expect(Self.describe(try await changes.wait(for: 2)) == ["delete local/a", "delete local/b"])
            group.cancelAll()
        }
    }

    @Test func invalidSpecsNameTheField() throws {
        let decode = TaskQueueFileReader.decoder(defaultRedisURL: "redis://127.0.0.1:6379")
        let decoded = try decode(Self.yaml("x", max: 0), "/tmp/x.yaml")
        guard case .failure(let error) = decoded.first?.target else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.message.contains("spec.workers.maxReplicas"))
        let typo = try decode(Self.yaml("y").replacingOccurrences(of: "targetPerReplica: 100", with: "targetPerReplica: lots"), "/tmp/y.yaml")
        guard case .failure(let typoError) = typo.first?.target else {
            Issue.record("expected a failure")
            return
        }
        #expect(typoError.message.contains("/tmp/y.yaml:"), "file and line: \(typoError.message)")
        #expect(typoError.message.contains("targetPerReplica"))
    }

    @Test func exampleFileIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../manifests/local/demo.yaml").standardized.path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoded = try TaskQueueFileReader.decoder(defaultRedisURL: "redis://127.0.0.1:6379")(text, path)
        #expect(decoded.count == 1)
        let target = try decoded[0].target.get()
        #expect(target.queue == "demo")
        #expect(target.scaling.maxReplicas == 4)
        #expect(target.settings.maxRetries == 2)
    }
}
