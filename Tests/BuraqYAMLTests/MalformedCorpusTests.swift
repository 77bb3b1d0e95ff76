import BuraqYAML
import Testing

/// A corpus of broken input, each with the error it must produce. None may crash; every limit
/// that bounds time and memory is exercised (the parser stops at the limit instead of building
/// the whole thing).
struct MalformedCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var code: YAMLError.Code
        var description: String
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ code: YAMLError.Code, _ description: String) {
            self.init(name, Array(text.utf8), code, description)
        }

        init(_ name: String, _ bytes: [UInt8], _ code: YAMLError.Code, _ description: String) {
            self.name = name
            input = bytes
            self.code = code
            self.description = description
        }
    }

    struct Target: Decodable {
        var spec: Spec
        struct Spec: Decodable {
            var replicas: Int32
            var name: String?
            var items: [String]?
        }
    }

    static let limits = YAMLLimits(maxInputBytes: 4096, maxDepth: 20, maxNodes: 1000, maxScalarBytes: 256)

    static let cases: [Case] = [
        Case("tab indentation", "spec:\n\treplicas: 1\n", .syntax,
             "c.yaml:2:1: found character that cannot start any token while scanning for the next token; tabs cannot indent YAML, use spaces"),
        Case("unclosed double quote", "spec:\n  name: \"abc\n  replicas: 1\n", .syntax,
             "c.yaml:4:1: found unexpected end of stream while scanning a quoted scalar (started at line 2, column 9)"),
        Case("unclosed single quote", "spec: {name: 'abc}\n", .syntax,
             "c.yaml:2:1: found unexpected end of stream while scanning a quoted scalar (started at line 1, column 14)"),
        Case("unclosed flow sequence", "spec:\n  items: [a, b\n", .syntax,
             "c.yaml:3:1: did not find expected ',' or ']' while parsing a flow sequence (started at line 2, column 10)"),
        Case("bad indentation", "spec:\n  replicas: 1\n name: x\n", .syntax,
             "c.yaml:3:2: did not find expected key while parsing a block mapping (started at line 1, column 1)"),
        Case("mapping value in plain scalar", "spec: a: b\n", .syntax,
             "c.yaml:1:8: mapping values are not allowed in this context"),
        Case("duplicate key", "spec:\n  replicas: 1\n  replicas: 2\n", .duplicateKey,
             "c.yaml:3:3: spec.replicas: duplicate key 'replicas' (first defined at line 2, column 3)"),
        Case("wrong type: string for integer", "spec:\n  replicas: many\n", .typeMismatch,
             "c.yaml:2:13: spec.replicas: expected an integer, got 'many'"),
        Case("wrong type: list for mapping", "spec: [1, 2]\n", .typeMismatch,
             "c.yaml:1:7: spec: expected a mapping, got a list"),
        Case("wrong type: mapping for string", "spec:\n  replicas: 1\n  name: {a: 1}\n", .typeMismatch,
             "c.yaml:3:9: spec.name: expected a string, got a mapping"),
        Case("wrong type: scalar for list", "spec:\n  replicas: 1\n  items: abc\n", .typeMismatch,
             "c.yaml:3:10: spec.items: expected a list, got 'abc'"),
        Case("float for integer", "spec:\n  replicas: 1.5\n", .typeMismatch,
             "c.yaml:2:13: spec.replicas: expected an integer, got '1.5'"),
        Case("overflow", "spec:\n  replicas: 99999999999999999999999\n", .typeMismatch,
             "c.yaml:2:13: spec.replicas: expected an integer from -2147483648 to 2147483647, got '99999999999999999999999'"),
        Case("null for required", "spec:\n  replicas:\n", .typeMismatch,
             "c.yaml:2:12: spec.replicas: expected an integer, got null"),
        Case("missing field", "spec:\n  name: x\n", .missingField,
             "c.yaml:2:3: spec.replicas: required field 'replicas' is missing"),
        Case("deep nesting", String(repeating: "[", count: 50) + String(repeating: "]", count: 50), .limitExceeded,
             "c.yaml:1:21: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting is deeper than 20 levels, the limit"),
        Case("deep block nesting", (0..<30).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"), .limitExceeded,
             "c.yaml:21:21: k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k: nesting is deeper than 20 levels, the limit"),
        Case("huge scalar", "spec:\n  name: " + String(repeating: "x", count: 300) + "\n", .limitExceeded,
             "c.yaml:2:9: scalar is 300 bytes; the limit is 256"),
        Case("huge input", String(repeating: "# comment\n", count: 500), .limitExceeded,
             "c.yaml:1:1: input is 5000 bytes; the limit is 4096"),
        Case("alias bomb", """
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            """, .limitExceeded,
             "c.yaml:3:36: c[7]: the stream expands to more than 1000 nodes with its aliases expanded, the limit"),
        Case("undefined alias", "spec: *missing\n", .undefinedAlias,
             "c.yaml:1:7: alias *missing refers to no anchor &missing defined before it"),
        Case("recursive alias", "spec: &s {replicas: 1, self: *s}\n", .undefinedAlias,
             "c.yaml:1:30: alias *s refers to no anchor &s defined before it"),
        Case("binary garbage", [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x80], .encoding,
             "c.yaml:1:1: control characters are not allowed; the input must be UTF-8 text"),
        Case("invalid UTF-8 mid-file", Array("spec:\n  name: ".utf8) + [0xC3, 0x28] + Array("\n".utf8), .encoding,
             "c.yaml:2:10: invalid trailing UTF-8 octet; the input must be UTF-8 text"),
        Case("empty file", "", .emptyDocument, "c.yaml:1:1: no YAML document: the input is empty or holds only comments"),
        Case("only comments", "# nothing here\n", .emptyDocument,
             "c.yaml:1:1: no YAML document: the input is empty or holds only comments"),
        Case("two documents", "spec: {replicas: 1}\n---\nspec: {replicas: 2}\n", .multipleDocuments,
             "c.yaml:3:1: expected one YAML document, found another starting at line 2"),
        Case("merge of a scalar", "base: 1\nspec:\n  <<: 3\n  replicas: 1\n", .typeMismatch,
             "c.yaml:3:7: spec: a merge key '<<' needs a mapping or a list of mappings, got '3'"),
        Case("complex key", "spec:\n  ? [a, b]\n  : 1\n", .typeMismatch,
             "c.yaml:2:5: spec: expected a scalar key, got a list"),
        Case("directive garbage", "%YAML 9.9\n---\na: 1\n", .syntax,
             "c.yaml:1:1: found incompatible YAML document"),
    ]

    @Test(arguments: cases) func producesItsError(_ c: Case) {
        let decoder = YAMLDecoder(limits: Self.limits)
        let error = yamlError { _ = try decoder.decode(Target.self, from: c.input, file: "c.yaml") }
        #expect(error?.code == c.code)
        #expect(error?.description == c.description)
    }
}
