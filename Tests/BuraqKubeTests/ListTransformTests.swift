@testable import BuraqKube
import BuraqKubeFake
import Testing

/// A LIST parsed with an item transform gives what parsing and then mapping gives, and touches
/// only the top-level `items`.
struct ListTransformTests {
    static let list = #"""
        {"kind": "TaskQueueList", "metadata": {"resourceVersion": "7", "items": ["not", "these"]},
         "items": [
           {"metadata": {"name": "a", "namespace": "n"}, "spec": {"items": [1, 2]}, "status": {"backlog": 3}},
           {"metadata": {"name": "b", "namespace": "n"}, "spec": {}, "status": {}}
         ]}
        """#

    static let dropStatus: @Sendable (JSONValue) -> JSONValue = { object in
        var kept = object
        kept["status"] = nil
        return kept
    }

    @Test func transformingWhileParsingEqualsParsingThenMapping() throws {
        let bytes = Array(Self.list.utf8)
        let streamed = try JSONParser.parse(bytes, transformingItems: Self.dropStatus)
        var mapped = try JSONParser.parse(bytes)
        mapped["items"] = .array(mapped["items"]!.arrayValue!.map(Self.dropStatus))
        #expect(streamed == mapped)
        #expect(streamed["items"]?.arrayValue?.allSatisfy { $0["status"] == nil } == true)
        // Nested `items` (in metadata, in a spec) are left alone.
        #expect(streamed[path: ["metadata", "items"]] == ["not", "these"])
        #expect(streamed["items"]?[0]?[path: ["spec", "items"]] == [1, 2])
    }

    @Test func aTopLevelItemsThatIsNoArrayIsLeftAlone() throws {
        let parsed = try JSONParser.parse(Array(#"{"items": {"x": 1}}"#.utf8), transformingItems: { _ in .null })
        #expect(parsed["items"] == ["x": 1])
    }

    @Test func invalidJSONInsideItemsStillFailsWithItsPosition() {
        #expect(throws: KubeClientError.self) {
            try JSONParser.parse(Array(#"{"items": [{"a": }]}"#.utf8), transformingItems: Self.dropStatus)
        }
    }

    @Test func theClientTransformsEveryPageOfAPagedList() async throws {
        try await withFakeServer { _, client in
            for name in ["a", "b", "c"] {
                _ = try await client.create(.deployments, namespace: "default", object: deployment(name))
            }
            let keepName: @Sendable (JSONValue) -> JSONValue = { ["metadata": ["name": $0[path: ["metadata", "name"]] ?? .null]] }
            let paged = try await client.listAll(
                .deployments, namespace: "default", options: ListOptions(limit: 2), transformingItems: keepName)
            #expect(paged.items == [["metadata": ["name": "a"]], ["metadata": ["name": "b"]], ["metadata": ["name": "c"]]])
        }
    }
}
