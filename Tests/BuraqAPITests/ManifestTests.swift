import BuraqAPI
import BuraqYAML
import Testing

struct ManifestTests {
    func read(_ text: String) throws -> [ManifestDocument] {
        try TaskQueueManifest.read(text, file: "tq.yaml")
    }

    @Test func otherKindsAreSkippedAndEmptyDocumentsDropped() throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n---\n" + minimalManifest
        let documents = try read(text)
        #expect(documents.count == 2)
        #expect(documents[0].isTaskQueue == false)
        #expect(documents[0].kind == "ConfigMap")
        #expect(documents[0].problems.isEmpty)
        #expect(documents[1].isValid)
        #expect(documents[1].line == 6)
        #expect(documents[1].taskQueue?.spec.queue == "emails")
    }

    @Test func ruleViolationsPointAtTheirLines() throws {
        let text = minimalManifest.replacingOccurrences(of: "maxReplicas: 20", with: "maxReplicas: 0")
            .replacingOccurrences(of: "queue: emails", with: "queue: \"a b\"")
        let problems = try #require(try read(text).first).problems
        #expect(
            problems.map(\.description) == [
                "tq.yaml:8:10: spec.queue: must consist of letters, digits, '.', '_', '-' or ':' (1 to 200 characters)",
                "tq.yaml:12:18: spec.workers.maxReplicas: must be at least 1, got 0",
            ])
    }

    @Test func missingFieldPointsAtItsParent() throws {
        let text = minimalManifest.replacingOccurrences(of: "    targetPerReplica: 100", with: "    metric: lag")
        let problem = try #require(try read(text).first?.problems.first)
        #expect(problem.description == "tq.yaml:14:5: spec.scaling.targetPerReplica: required field 'targetPerReplica' is missing")
    }

    @Test func unknownFieldsAreProblemsOutsideMetadata() throws {
        let text = minimalManifest.replacingOccurrences(of: "  name: emails", with: "  name: emails\n  generateName: e-\n  uid: x")
            + "\n    maxReplica: 3\n"
        let problems = try #require(try read(text).first).problems
        #expect(problems.map(\.path) == ["spec.scaling.maxReplica"])
        #expect(problems.first?.code == .unknownField)
    }

    @Test func bareDecimalToleranceIsRefusedLikeTheAPIServer() throws {
        let text = minimalManifest + "\n    behavior:\n      scaleUp:\n        tolerance: 0.05\n      scaleDown:\n        tolerance: \"0.05\"\n"
        let problems = try #require(try read(text).first).problems
        #expect(problems.count == 1)
        #expect(problems.first?.path == "spec.scaling.behavior.scaleUp.tolerance")
        #expect(problems.first?.message.hasPrefix("must be a quoted quantity such as \"0.05\"") == true)
    }

    @Test func nonObjectsAndWrongTypes() throws {
        let list = try read("- a\n- b\n")
        #expect(list.first?.problems.first?.message == "expected a Kubernetes object (a mapping with 'apiVersion' and 'kind'), got a list")
        let wrong = try read(minimalManifest.replacingOccurrences(of: "targetPerReplica: 100", with: "targetPerReplica: lots"))
        #expect(wrong.first?.problems.map(\.description) == ["tq.yaml:14:23: spec.scaling.targetPerReplica: expected an integer, got 'lots'"])
    }

    @Test func syntaxErrorsThrow() {
        #expect(throws: YAMLError.self) { try read("a: [1, 2\n") }
    }
}

struct ListManifestTests {
    @Test func listsStandForTheirItems() throws {
        let item = minimalManifest.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let text = "apiVersion: v1\nkind: List\nitems:\n-\n" + item + "\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n"
        let documents = try TaskQueueManifest.read(text, file: "list.yaml")
        #expect(documents.count == 2)
        #expect(documents[0].isValid)
        #expect(documents[0].line == 5)
        #expect(documents[1].kind == "Service")
    }
}
