import BuraqYAML
import Testing

struct ParserTests {
    let parser = YAMLParser()

    func parseError(_ text: String, limits: YAMLLimits = YAMLLimits()) -> YAMLError? {
        yamlError { _ = try YAMLParser(limits: limits).parse(text, file: "f.yaml") }
    }

    @Test func marksEveryNode() throws {
        let docs = try parser.parse("a:\n  - x\n  - {b: 'y'}\n")
        let root = try #require(docs.first?.root)
        #expect(root.mark.line == 1 && root.mark.column == 1)
        let list = try #require(root["a"])
        #expect(list.mark.line == 2 && list.mark.column == 3)
        #expect(list[0]?.mark == YAMLMark(line: 2, column: 5, offset: list[0]!.mark.offset))
        let inner = try #require(list[1]?["b"])
        #expect(inner.scalar == YAMLScalar("y", style: .singleQuoted))
        #expect(inner.mark.line == 3 && inner.mark.column == 9)
    }

    @Test func multiDocumentStreamsKeepStartLines() throws {
        let text = "a: 1\n---\nb: 2\n---\n# nothing\n---\nc: 3\n"
        let docs = try parser.parse(text)
        #expect(docs.count == 4)
        #expect(docs.map(\.startLine) == [1, 2, 4, 6])
        #expect(docs.map(\.isEmpty) == [false, false, true, false])
        #expect(docs[3].root["c"]?.mark.line == 7)
        #expect(try parser.parse("").isEmpty)
    }

    @Test func aliasesExpandAndMergeKeysApply() throws {
        let text = """
            base: &base {a: 1, b: 2}
            copy: *base
            merged:
              <<: *base
              b: 3
            list: &l [x, y]
            again: *l
            """
        let root = try #require(try parser.parse(text).first?.root)
        #expect(root["copy"]?["a"]?.scalar?.text == "1")
        #expect(root["copy"]?.mark.line == 2)
        #expect(root["merged"]?["a"]?.scalar?.text == "1")
        #expect(root["merged"]?["b"]?.scalar?.text == "3")
        #expect(root["merged"]?.mapping?.count == 2)
        #expect(root["again"]?.sequence?.count == 2)
    }

    @Test func undefinedAlias() {
        let error = parseError("a: *nowhere\n")
        #expect(error?.code == .undefinedAlias)
        #expect(error?.description == "f.yaml:1:4: alias *nowhere refers to no anchor &nowhere defined before it")
    }

    @Test func billionLaughsIsCapped() {
        var lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("l\(level): &l\(level) [\(refs)]")
        }
        let error = parseError(lines.joined(separator: "\n"))
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.contains("aliases expanded") == true)
        #expect(error?.line == 7)
    }

    @Test func depthLimit() {
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        let error = parseError(deep)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message == "nesting is deeper than 100 levels, the limit")
        #expect(error?.column == 101)
        #expect(parseError(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) == nil)
        // An alias counts with the depth of what it stands for.
        let viaAlias = "a: &a [[[1]]]\nb: [[*a]]\n"
        #expect(parseError(viaAlias, limits: YAMLLimits(maxDepth: 5))?.line == 2)
    }

    @Test func sizeLimits() {
        let big = "a: " + String(repeating: "x", count: 2000) + "\n"
        #expect(parseError(big, limits: YAMLLimits(maxScalarBytes: 1000))?.message == "scalar is 2000 bytes; the limit is 1000")
        #expect(parseError(big, limits: YAMLLimits(maxInputBytes: 100))?.code == .limitExceeded)
    }

    @Test func duplicateKeys() {
        let error = parseError("spec:\n  a: 1\n  b: 2\n  a: 3\n")
        #expect(error?.code == .duplicateKey)
        #expect(error?.description == "f.yaml:4:3: spec.a: duplicate key 'a' (first defined at line 2, column 3)")
    }

    @Test func tabsGetAHint() {
        let error = parseError("a:\n\tb: 1\n")
        #expect(error?.code == .syntax)
        #expect(error?.line == 2)
        #expect(error?.message.hasSuffix("tabs cannot indent YAML, use spaces") == true)
    }

    @Test func unclosedQuote() {
        let error = parseError("a: \"open\nb: 2\n")
        #expect(error?.code == .syntax)
        #expect(error?.message.contains("while scanning a quoted scalar (started at line 1, column 4)") == true)
    }

    @Test func binaryGarbage() {
        let bytes: [UInt8] = [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x00, 0x01, 0x0A]
        let error = yamlError { _ = try parser.parse(bytes: bytes, file: "bin") }
        #expect(error?.code == .encoding)
        #expect(error?.line == 1)
        let control = yamlError { _ = try parser.parse(bytes: Array("a: \u{01}\n".utf8)) }
        #expect(control?.code == .encoding)
    }

    @Test func tagsAreKept() throws {
        let root = try #require(try parser.parse("a: !!str 12\n").first?.root)
        #expect(root["a"]?.tag == "tag:yaml.org,2002:str")
    }
}

struct NodePathTests {
    @Test func findsNodesByErrorPaths() throws {
        let text = "spec:\n  policies:\n  - value: 1\n  - value: 2\nmetadata:\n  labels:\n    app.kubernetes.io/name: x\n"
        let root = try #require(try YAMLParser().parse(text).first?.root)
        #expect(root.node(atPath: "spec.policies[1].value")?.mark.line == 4)
        #expect(root.node(atPath: "metadata.labels[app.kubernetes.io/name]")?.scalar?.text == "x")
        #expect(root.node(atPath: "spec.missing") == nil)
        #expect(root.closestNode(toPath: "spec.missing.deeper").mark.line == 2)
        #expect(root.closestNode(toPath: "").mark.line == 1)
    }
}
