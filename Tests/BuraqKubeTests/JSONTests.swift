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
