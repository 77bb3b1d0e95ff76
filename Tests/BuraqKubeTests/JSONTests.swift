import BuraqKube
import Testing

@Suite("JSONValue, merge patch and JSON patch")
struct JSONTests {
    @Test func roundTripKeepsTypes() throws {
        let text = #"{"a":1,"b":1.5,"c":"x","d":true,"e":null,"f":[1,"2",false],"g":{"h":{}}}"#
        let value = try JSONValue(parsing: text)
        #expect(value["a"] == 1)
        #expect(value["b"] == 1.5)
        #expect(value["d"] == true)
        #expect(value["e"] == .null)
        #expect(String(decoding: try value.serialized(), as: UTF8.self) == text)
    }

    @Test func mergePatchFollowsRFC7386() throws {
        let target = try JSONValue(parsing: #"{"a":"b","c":{"d":"e","f":"g"},"l":[1,2]}"#)
        let patch = try JSONValue(parsing: #"{"a":"z","c":{"f":null},"l":[3],"n":{"o":1}}"#)
        #expect(target.merging(patch: patch) == (try JSONValue(parsing: #"{"a":"z","c":{"d":"e"},"l":[3],"n":{"o":1}}"#)))
        let changed = target.merging(patch: patch)
        #expect(target.merging(patch: changed.mergePatch(from: target)) == changed)
    }

    @Test func jsonPatchOperations() throws {
        let doc = try JSONValue(parsing: #"{"a":{"b":[1,2]},"c":"x"}"#)
        let result = try doc.applying(jsonPatch: [
            .add("/a/b/1", 9), .add("/a/b/-", 3), .remove("/c"), .copy(from: "/a/b/0", to: "/first"),
            .move(from: "/first", to: "/moved"), .replace("/a/b/0", "zero"), .add("/a~1b", true),
        ])
        #expect(result == (try JSONValue(parsing: #"{"a":{"b":["zero",9,2,3]},"moved":1,"a/b":true}"#)))
        #expect(throws: JSONPatchError.self) { try doc.applying(jsonPatch: [.test("/c", "y")]) }
        #expect(throws: JSONPatchError.self) { try doc.applying(jsonPatch: [.remove("/missing")]) }
    }

    @Test func watchLinesDecodeAcrossChunkBoundaries() throws {
        let stream = #"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}"# + "\n"
            + #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"# + "\n"
        let bytes = Array(stream.utf8)
        var events: [WatchEvent] = []
        var decoder = WatchLineDecoder()
        for chunk in stride(from: 0, to: bytes.count, by: 7).map({ Array(bytes[$0..<min($0 + 7, bytes.count)]) }) {
            events += try decoder.push(chunk)
        }
        #expect(events.map(\.type) == [.added, .bookmark])
        #expect(events[1].object.resourceVersion == "9")
    }
}

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test func escapesNumbersAndUnicode() throws {
        let text = #"{"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00 é","n":[-0,12,-3.5e2,1E3,0.1,123456789012345678],"e":{},"a":[]}"#
        let value = try JSONValue(parsing: text)
        #expect(value["s"] == .string("a\"b\\c/d\n\té😀 é"))
        #expect(value["n"] == [0, 12, -350, 1000, 0.1, .number(1.2345678901234568e17)])
        #expect(value["e"] == [:])
        #expect(value["a"] == [])
        let again = try JSONValue(parsing: try value.serialized())
        #expect(again == value)
        #expect(String(decoding: try JSONValue.string("x\u{1}\"").serialized(), as: UTF8.self) == #""x\u0001\"""#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "{\"a\":1}x", "[\"\u{1}\"]", "-"])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: KubeClientError.self) { try JSONValue(parsing: text) }
    }

    @Test func agreesWithFoundation() throws {
        let text = #"{"apiVersion":"v1","items":[{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":3,"ratio":0.25,"on":true,"off":null}}]}"#
        let ours = try JSONValue(parsing: text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
        #expect(String(decoding: try ours.serialized(), as: UTF8.self) == text.replacingOccurrences(of: #""metadata":{"name":"a","labels":{"x":"1"}}"#, with: #""metadata":{"labels":{"x":"1"},"name":"a"}"#).replacingOccurrences(of: #""replicas":3,"ratio":0.25,"on":true,"off":null"#, with: #""off":null,"on":true,"ratio":0.25,"replicas":3"#))
    }
}

import Foundation
