import BuraqYAML
import Testing

/// The error `body` throws, or nil.
func yamlError(_ body: () throws -> Void) -> YAMLError? {
    do {
        try body()
        return nil
    } catch {
        return error as? YAMLError
    }
}

struct Workers: Decodable, Equatable {
    var minReplicas: Int32?
    var maxReplicas: Int32
    var name: String?
}

struct Spec: Decodable, Equatable {
    var workers: Workers
    var paused: Bool?
    var tags: [String]?
}

struct Root: Decodable, Equatable {
    var spec: Spec
}

enum Colour: String, Decodable, CaseIterable {
    case red, green
}

struct DecoderTests {
    let decoder = YAMLDecoder()

    @Test func decodesNestedStructs() throws {
        let text = """
            spec:
              workers:
                minReplicas: 0
                maxReplicas: 10
              paused: false
              tags: [a, "b", 'c']
            """
        let root = try decoder.decode(Root.self, from: text)
        #expect(root == Root(spec: Spec(workers: Workers(minReplicas: 0, maxReplicas: 10), paused: false, tags: ["a", "b", "c"])))
    }

    @Test func typeMismatchNamesPathLineColumnAndExpectation() {
        let text = """
            spec:
              workers:
                maxReplicas: ten
            """
        let error = yamlError { _ = try decoder.decode(Root.self, from: text, file: "q.yaml") }
        #expect(error?.code == .typeMismatch)
        #expect(error?.path == "spec.workers.maxReplicas")
        #expect(error?.line == 3)
        #expect(error?.column == 18)
        #expect(error?.description == "q.yaml:3:18: spec.workers.maxReplicas: expected an integer, got 'ten'")
    }

    @Test func missingFieldPointsAtTheMapping() {
        let text = "spec:\n  workers:\n    minReplicas: 1\n"
        let error = yamlError { _ = try decoder.decode(Root.self, from: text) }
        #expect(error?.code == .missingField)
        #expect(error?.path == "spec.workers.maxReplicas")
        #expect(error?.message == "required field 'maxReplicas' is missing")
        #expect(error?.line == 3)
    }

    @Test func yaml11WordsStayStringsWhereStringsAreWanted() throws {
        struct Words: Decodable { var a: String; var b: String; var c: String; var d: String; var e: Bool; var f: Bool }
        let w = try decoder.decode(Words.self, from: "a: no\nb: on\nc: 1.10\nd: 0755\ne: yes\nf: off\n")
        #expect(w.a == "no")
        #expect(w.b == "on")
        #expect(w.c == "1.10")
        #expect(w.d == "0755")
        #expect(w.e == true)
        #expect(w.f == false)
    }

    @Test func quotedNumbersAreRefusedWithAHint() {
        let error = yamlError { _ = try decoder.decode(Workers.self, from: "maxReplicas: \"5\"\n") }
        #expect(error?.message == "expected an integer, got the string \"5\" (quotes make a string; remove them)")
    }

    @Test func integerForms() throws {
        struct N: Decodable { var a: Int; var b: Int; var c: Int; var d: Int64; var e: Int }
        let n = try decoder.decode(N.self, from: "a: -12\nb: 0x1F\nc: 0o17\nd: 1_000_000\ne: +3\n")
        #expect([n.a, n.b, n.c, Int(n.d), n.e] == [-12, 31, 15, 1_000_000, 3])
        let octal = yamlError { _ = try decoder.decode([String: Int].self, from: "a: 010\n") }
        #expect(octal?.message.contains("leading zero") == true)
        let range = yamlError { _ = try decoder.decode(Workers.self, from: "maxReplicas: 3000000000\n") }
        #expect(range?.message == "expected an integer from -2147483648 to 2147483647, got '3000000000'")
    }

    @Test func enumCasesAreListed() {
        let error = yamlError { _ = try decoder.decode([String: Colour].self, from: "x: blue\n") }
        #expect(error?.code == .invalidValue)
        #expect(error?.message == "expected one of 'red', 'green', got 'blue'")
        #expect(error?.path == "x")
    }

    @Test func nullIsAbsentForOptionals() throws {
        let w = try decoder.decode(Workers.self, from: "minReplicas: ~\nmaxReplicas: 2\nname:\n")
        #expect(w == Workers(minReplicas: nil, maxReplicas: 2, name: nil))
    }

    @Test func listIndicesInPaths() {
        let text = "spec:\n  workers: {maxReplicas: 1}\n  tags:\n    - a\n    - {x: 1}\n"
        let error = yamlError { _ = try decoder.decode(Root.self, from: text) }
        #expect(error?.path == "spec.tags[1]")
        #expect(error?.message == "expected a string, got a mapping")
        #expect(error?.line == 5)
    }

    @Test func unknownFieldsReportedOnRequest() throws {
        let text = "maxReplicas: 1\nmaxReplica: 2\nextra: {a: 1}\n"
        let node = try #require(decoder.documents(from: text).first?.root)
        let (value, unknown) = try decoder.decodeReportingUnknownFields(Workers.self, from: node, file: "w.yaml")
        #expect(value.maxReplicas == 1)
        #expect(unknown.map(\.description) == ["w.yaml:2:1: maxReplica: unknown field 'maxReplica'; did you mean 'maxReplicas'?", "w.yaml:3:1: extra: unknown field 'extra'"])
        var strict = YAMLDecoder()
        strict.rejectsUnknownFields = true
        #expect(yamlError { _ = try strict.decode(Workers.self, from: text) }?.code == .unknownField)
    }

    @Test func decodesFromBytes() throws {
        let w = try decoder.decode(Workers.self, from: Array("maxReplicas: 4\n".utf8))
        #expect(w.maxReplicas == 4)
    }

    @Test func refusesSeveralDocumentsInSingleDecode() {
        let error = yamlError { _ = try decoder.decode(Workers.self, from: "maxReplicas: 1\n---\nmaxReplicas: 2\n") }
        #expect(error?.code == .multipleDocuments)
        #expect(error?.line == 3)
    }

    @Test func emptyInputIsAnEmptyDocumentError() {
        for text in ["", "# only a comment\n", "---\n...\n"] {
            #expect(yamlError { _ = try decoder.decode(Workers.self, from: text) }?.code == .emptyDocument)
        }
    }
}

struct SuggestionTests {
    @Test func unknownFieldsSuggestTheNearestKnownOne() throws {
        let text = "maxReplica: 2\nminreplicas: 1\nNAME: x\ncolour: red\n"
        let node = try #require(try YAMLParser().parse(text).first?.root)
        let decoder = YAMLDecoder()
        let result = yamlError { _ = try decoder.decode(Workers.self, from: node) }
        #expect(result?.path == "maxReplicas")  // still missing: the typo is not taken for it
        let (_, unknown) = try decoder.decodeReportingUnknownFields([String: String].self, from: node)
        #expect(unknown.isEmpty)
        let withMax = try #require(try YAMLParser().parse(text + "maxReplicas: 3\n").first?.root)
        let (_, fields) = try decoder.decodeReportingUnknownFields(Workers.self, from: withMax)
        #expect(fields.map(\.message) == [
            "unknown field 'maxReplica'; did you mean 'maxReplicas'?",
            "unknown field 'minreplicas'; did you mean 'minReplicas'?",
            "unknown field 'NAME'; did you mean 'name'?",
            "unknown field 'colour'",
        ])
    }
}
