import BuraqAPI
import BuraqScaling
import BuraqTestSupport
import BuraqYAML
import Foundation
import Testing

/// `buraq scaling simulate` on the checked-in bursty trace: the command prints the same decisions
/// and totals as the library, and names the file, line and field of bad input.
@Suite struct SimulateCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let taskQueueFile = root.appendingPathComponent("Tests/BuraqAPITests/Fixtures/simulate-taskqueue.yaml").path
    static let traceFile = root.appendingPathComponent("Tests/BuraqScalingTests/Fixtures/bursty.csv").path

    func run(_ args: [String]) async throws -> (code: Int32, output: String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = try ChildProcess(executable: try BuiltProduct.path("buraq"), arguments: args, outputPath: out)
        let code = try await p.wait(timeout: .seconds(60)) ?? -1
        return (code, p.output)
    }

    func temporaryFile(_ text: String, suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-\(UUID().uuidString)\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The library's answer for the fixture, to compare the command against.
    func expected() throws -> SimulationResult {
        let text = try String(contentsOfFile: Self.taskQueueFile, encoding: .utf8)
        let documents = try YAMLDecoder().documents(from: text)
        let taskQueue = try YAMLDecoder().decode(TaskQueue.self, from: documents[1].root)
        let samples = try TraceParser.parse(try String(contentsOfFile: Self.traceFile, encoding: .utf8))
        return try Simulator(spec: taskQueue.scalingSpec).run(samples)
    }

    @Test func printsEachChangeAndTheTotalsOfTheLibrary() async throws {
        let result = try expected()
        let (code, output) = try await run(["scaling", "simulate", "-f", Self.taskQueueFile, "--trace", Self.traceFile, "--changes-only"])
        #expect(code == 0, "\(output)")
        #expect(output.contains("TaskQueue shop/emails: replicas 0..10, 600 samples, starting at 0 replicas"))
        #expect(output.contains(String(format: "Replica-seconds %.1f, peak %d replicas, %d scale changes",
                                       result.replicaSeconds, result.peakReplicas, result.scaleChanges)))
        let changes = result.steps.filter { $0.replicas != $0.previousReplicas }
        #expect(!changes.isEmpty)
        for step in changes {
            #expect(output.contains("\(step.previousReplicas)->\(step.replicas)  "), "missing change at \(step.time)")
            #expect(output.contains(step.message))
        }
        // The trace has a Redis outage (unknown samples): the decision holds instead of scaling down.
        #expect(result.reasonCounts[.metricsUnavailable] == 3)
        #expect(output.contains("MetricsUnavailable=3"))
    }

    @Test func jsonOutputCarriesEveryStep() async throws {
        let result = try expected()
        let (code, output) = try await run(["scaling", "simulate", "-f", Self.taskQueueFile, "--trace", Self.traceFile, "--output", "json"])
        #expect(code == 0, "\(output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect((object["steps"] as? [Any])?.count == 600)
        #expect(object["replicaSeconds"] as? Double == result.replicaSeconds)
        #expect(object["peakReplicas"] as? Int == Int(result.peakReplicas))
        #expect(object["taskQueue"] as? String == "shop/emails")
    }

    @Test func badYAMLNamesFileLineAndColumn() async throws {
        let file = try temporaryFile("apiVersion: buraq.dev/v1alpha1\nkind: TaskQueue\nmetadata:\n  name: [unclosed\n", suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (code, output) = try await run(["scaling", "simulate", "-f", file, "--trace", Self.traceFile])
        #expect(code == 65)
        #expect(output.contains("\(file):"), "\(output)")
    }

    @Test func invalidSpecNamesTheField() async throws {
        let text = try String(contentsOfFile: Self.taskQueueFile, encoding: .utf8).replacingOccurrences(of: "maxReplicas: 10", with: "maxReplicas: 0")
        let file = try temporaryFile(text, suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (code, output) = try await run(["scaling", "simulate", "-f", file, "--trace", Self.traceFile])
        #expect(code == 65)
        #expect(output.contains("spec.workers.maxReplicas"), "\(output)")
    }

    @Test func badTraceNamesTheLine() async throws {
        let trace = try temporaryFile("time,backlog,inFlight\n0,10,0\n1,ten,0\n", suffix: ".csv")
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let (code, output) = try await run(["scaling", "simulate", "-f", Self.taskQueueFile, "--trace", trace])
        #expect(code == 65)
        #expect(output.contains("\(trace):3"), "\(output)")
    }

    @Test func missingFilesAndAmbiguousFiles() async throws {
        let (code, output) = try await run(["scaling", "simulate", "-f", "/nonexistent/tq.yaml", "--trace", Self.traceFile])
        #expect(code == 66)
        #expect(output.contains("cannot read /nonexistent/tq.yaml"))
        let other = try String(contentsOfFile: Self.taskQueueFile, encoding: .utf8)
        let two = try temporaryFile(other + "\n---\n" + other.components(separatedBy: "---\n")[1].replacingOccurrences(of: "name: emails", with: "name: reports"), suffix: ".yaml")
        defer { try? FileManager.default.removeItem(atPath: two) }
        let ambiguous = try await run(["scaling", "simulate", "-f", two, "--trace", Self.traceFile])
        #expect(ambiguous.code == 65)
        #expect(ambiguous.output.contains("2 TaskQueues in the file; choose one with --name"))
        let chosen = try await run(["scaling", "simulate", "-f", two, "--trace", Self.traceFile, "--name", "reports"])
        #expect(chosen.code == 0, "\(chosen.output)")
        #expect(chosen.output.contains("TaskQueue shop/reports"))
    }
}
