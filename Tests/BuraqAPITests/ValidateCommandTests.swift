import BuraqTestSupport
import Foundation
import Testing

/// `buraq validate` as a user runs it: exit codes and output lines.
struct ValidateCommandTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("buraq-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String]) async throws -> (code: Int32, output: String) {
        let log = directory.appendingPathComponent("out-\(UUID().uuidString).log").path
        let process = try ChildProcess(executable: try BuiltProduct.path("buraq"), arguments: ["validate"] + arguments,
                                       outputPath: log)
        let code = try await process.wait(timeout: .seconds(60)) ?? -1
        return (code, process.output)
    }

    @Test func examplesPass() async throws {
        let examples = RepositoryFiles.root.appendingPathComponent("manifests/examples").path
        let (code, output) = try await run(["-f", examples])
        #expect(code == 0, "\(output)")
        #expect(output.contains("skipped Deployment/demo-worker (apps/v1): not a TaskQueue"))
        #expect(output.contains("4 TaskQueues valid, 0 invalid, 1 other document skipped, 0 problems"))
    }

    @Test func problemsAreListedAndExitIsOne() async throws {
        let file = directory.appendingPathComponent("bad.yaml")
        let text = minimalManifest.replacingOccurrences(of: "maxReplicas: 20", with: "maxReplicas: 0")
            + "\n    pollingInterval: 5\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let (code, output) = try await run(["-f", file.path])
        #expect(code == 1)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(file.path):12:18: spec.workers.maxReplicas: must be at least 1, got 0",
            "\(file.path):15:5: spec.scaling.pollingInterval: unknown field 'pollingInterval'",
            "1 file: 0 TaskQueues valid, 1 invalid, 0 other documents skipped, 2 problems",
        ])
    }

    @Test func jsonOutputAndUnreadableFiles() async throws {
        let broken = directory.appendingPathComponent("broken.yaml")
        try "a: [1,\n".write(to: broken, atomically: true, encoding: .utf8)
        let (code, output) = try await run(["-f", broken.path, "-f", directory.appendingPathComponent("missing.yaml").path,
                                            "--output", "json"])
        #expect(code == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.map { $0["code"] as? String } == ["syntax", "unreadable"])
        #expect(problems.first?["line"] as? Int == 2)
    }

    @Test func directoriesAndRecursion() async throws {
        let nested = directory.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try minimalManifest.write(to: directory.appendingPathComponent("top.yaml"), atomically: true, encoding: .utf8)
        try minimalManifest.write(to: nested.appendingPathComponent("deep.yml"), atomically: true, encoding: .utf8)
        try "not: yaml: here".write(to: nested.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let flat = try await run(["-f", directory.path])
        #expect(flat.code == 0)
        #expect(flat.output.contains("1 file: 1 TaskQueue valid"))
        let deep = try await run(["-R", "-f", directory.path])
        #expect(deep.code == 0)
        #expect(deep.output.contains("2 files: 2 TaskQueues valid"))
    }

    @Test func noFileIsAUsageError() async throws {
        #expect(try await run([]).code == 64)
    }
}
