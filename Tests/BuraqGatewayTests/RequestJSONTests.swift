@testable import BuraqGateway
import Foundation
import Testing

/// The enqueue bodies' JSON reader, and the decoder's answers on top of it: the same documents
/// accepted and refused as with JSONSerialization (which it replaced), every error naming its field.
@Suite struct RequestJSONTests {
    typealias Value = RequestJSON.Value

    @Test func readsEveryKindOfValue() {
        let document = RequestJSON.parse(Array(#" {"s":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","n":-12.5e1,"i":42,"z":-0,"t":true,"f":false,"x":null,"a":[1,[],{}],"o":{"k":"v"}} "#.utf8))
        #expect(document == .object([
            .init(key: "s", value: .string("a\"\\/\u{8}\u{C}\n\r\té😀")),
            .init(key: "n", value: .number(-125)), .init(key: "i", value: .number(42)), .init(key: "z", value: .number(0)),
            .init(key: "t", value: .bool(true)), .init(key: "f", value: .bool(false)), .init(key: "x", value: .null),
            .init(key: "a", value: .array([.number(1), .array([]), .object([])])),
            .init(key: "o", value: .object([.init(key: "k", value: .string("v"))])),
        ]))
        #expect(RequestJSON.parse(Array(#"{"k":1,"k":2}"#.utf8))?.member("k") == .number(2))
        #expect(RequestJSON.parse(Array("\u{FEFF}[\"é€😀\",1e-400,123456789012345678901234567890]".utf8))
            == .array([.string("é€😀"), .number(0), .number(1.2345678901234568e29)]))
    }

    /// Documents, valid or not, that both readers must judge alike, with the same values.
    static let corpus: [String] = [
        "{}", "[]", " { } ", "\u{FEFF}{}", #"{"a":1,}"#, "[1,]", #"{"a":[1,2,{"b":[]}]}"#, #"{"a":"\u0000"}"#, "{\"a\":\"\u{7F}\"}",
        #"{"a":"\ud800\udc00"}"#, #"{"a":-0}"#, #"{"a":1E2}"#, #"{"a":1e-400}"#, #"{"a":0.5}"#, #"{"a":12345678901234567}"#,
        #"{"a":true,"b":false,"c":null}"#, #"{"a":"x","a":"y"}"#, "[\"\\/\"]", "{\"a\" : \"é\" ,\n\t\"b\":\r[ ]}",
        // invalid
        "", " ", "3", "\"x\"", "null", "true", "{", "}", "[", "{]", "[}", #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, #"{'a':1}"#, #"{"a":1"#,
        #"{"a":1} x"#, #"{"a":1}{}"#, #"{,}"#, "[,]", "[1,,2]", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":-}"#,
        #"{"a":1e}"#, #"{"a":1e999}"#, #"{"a":-1e999}"#, #"{"a":nul}"#, #"{"a":tru}"#, #"{"a":True}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
        #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#, "{\"a\":\"a\tb\"}", "{\"a\":\"a\nb\"}", #"{"a":"unterminated}"#,
        #"{"a":NaN}"#, #"{"a":Infinity}"#, #"{"a":0x10}"#, "{\"a\":1}\u{0}",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ]

    @Test(arguments: corpus)
    func agreesWithJSONSerialization(_ text: String) {
        let bytes = Array(text.utf8)
        let ours = RequestJSON.parse(bytes)
        let theirs = try? JSONSerialization.jsonObject(with: Data(bytes))
        #expect((ours != nil) == (theirs != nil), "valid for RequestJSON: \(ours != nil), for JSONSerialization: \(theirs != nil)")
        if let ours, let theirs { #expect(Self.same(ours, theirs)) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(RequestJSON.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil)  // {"a":"\xFF"}
        #expect(RequestJSON.parse([0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D]) == nil)  // a truncated sequence in a key
        #expect(RequestJSON.parse(Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)) != nil)
        #expect(RequestJSON.parse(Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)) == nil)
    }

    /// The decoder's answer to a body: "ok" or status, field and message.
    static func answer(_ body: String, batch: Bool = false) -> String {
        let decoder = EnqueueRequestDecoder(maxPayloadBytes: 8, maxBatch: 2)
        do {
            if batch { _ = try decoder.decodeBatch(Array(body.utf8), now: 0) } else { _ = try decoder.decodeOne(Array(body.utf8), now: 0) }
            return "ok"
        } catch {
            return "\(error.status) \(error.field ?? "-"): \(error.message)"
        }
    }

    @Test func everyBadTaskNamesItsFieldWithTheMessageItHad() {
        let fields = "delaySeconds, headers, idempotencyKey, idempotencyTTLSeconds, payload, payloadBase64, priority, runAt, type"
        let cases: [(String, String)] = [
            ("", "400 body: The body is empty; expected JSON"),
            ("{\"type\":\"t\"", "400 body: The body is not valid JSON"),
            (#"{"type":"t","payload":"\ud800"}"#, "400 body: The body is not valid JSON"),
            ("3", "400 body: The body is not valid JSON"),
            ("[]", "400 body: The body must be a JSON object describing one task"),
            ("{}", "400 type: 'type' is required: a string of 1 to 200 bytes"),
            (#"{"type":null}"#, "400 type: 'type' is required: a string of 1 to 200 bytes"),
            (#"{"type":""}"#, "400 type: 'type' is required: a string of 1 to 200 bytes"),
            (#"{"type":"\#(String(repeating: "x", count: 201))"}"#, "400 type: 'type' is required: a string of 1 to 200 bytes"),
            (#"{"type":5}"#, "400 type: 'type' must be a string"),
            (#"{"type":["t"]}"#, "400 type: 'type' must be a string"),
            (#"{"zz":1,"type":"t","aa":2}"#, "400 aa: Unknown field 'aa'; expected one of \(fields)"),
            (#"{"type":"t","payload":1}"#, "400 payload: 'payload' must be a string"),
            (#"{"type":"t","payloadBase64":{}}"#, "400 payloadBase64: 'payloadBase64' must be a string"),
            (#"{"type":"t","payload":"a","payloadBase64":"YQ=="}"#, "400 payloadBase64: Give 'payload' or 'payloadBase64', not both"),
            (#"{"type":"t","payloadBase64":"***"}"#, "400 payloadBase64: 'payloadBase64' is not valid base64"),
            (#"{"type":"t","payload":"123456789"}"#, "413 payload: The payload is 9 bytes; the limit is 8"),
            (#"{"type":"t","payloadBase64":"MTIzNDU2Nzg5"}"#, "413 payloadBase64: The payload is 9 bytes; the limit is 8"),
            (#"{"type":"t","delaySeconds":"soon"}"#, "400 delaySeconds: 'delaySeconds' must be a number"),
            (#"{"type":"t","delaySeconds":true}"#, "400 delaySeconds: 'delaySeconds' must be a number"),
            (#"{"type":"t","delaySeconds":-1}"#, "400 delaySeconds: 'delaySeconds' must be 0 to 31622400, got -1.0"),
            (#"{"type":"t","delaySeconds":1e9}"#, "400 delaySeconds: 'delaySeconds' must be 0 to 31622400, got 1000000000.0"),
            (#"{"type":"t","delaySeconds":1,"runAt":"2100-01-01T00:00:00Z"}"#, "400 runAt: Give 'delaySeconds' or 'runAt', not both"),
            (#"{"type":"t","runAt":5}"#, "400 runAt: 'runAt' must be a string"),
            (#"{"type":"t","runAt":"tomorrow"}"#, "400 runAt: 'runAt' must be an RFC 3339 time such as 2026-12-03T18:00:00Z, got 'tomorrow'"),
            (#"{"type":"t","priority":"very high"}"#, "400 priority: 'priority' must be a level name of letters, digits, '-' or '_', got 'very high'"),
            (#"{"type":"t","priority":""}"#, "400 priority: 'priority' must be a level name of letters, digits, '-' or '_', got ''"),
            (#"{"type":"t","priority":1}"#, "400 priority: 'priority' must be a string"),
            (#"{"type":"t","idempotencyKey":""}"#, "400 idempotencyKey: 'idempotencyKey' must be 1 to 512 bytes, got 0"),
            (#"{"type":"t","idempotencyKey":false}"#, "400 idempotencyKey: 'idempotencyKey' must be a string"),
            (#"{"type":"t","idempotencyTTLSeconds":0.5}"#, "400 idempotencyTTLSeconds: 'idempotencyTTLSeconds' must be 1 to 2592000, got 0.5"),
            (#"{"type":"t","idempotencyTTLSeconds":[]}"#, "400 idempotencyTTLSeconds: 'idempotencyTTLSeconds' must be a number"),
            (#"{"type":"t","headers":[]}"#, "400 headers: 'headers' must be an object of strings"),
            (#"{"type":"t","headers":{"a":"b","c":1}}"#, "400 headers.c: Header 'c' must be a string"),
            (#"{"type":"t","headers":{"a":1,"a":"b"}}"#, "ok"),
            (#"{"type":"t","priority":null,"payload":null,"headers":null,"delaySeconds":null}"#, "ok"),
            (#"{"type":"a","type":"b",}"#, "ok"),
        ]
        for (body, expected) in cases {
            #expect(Self.answer(body) == expected, "body: \(body)")
        }
    }

    @Test func everyBadBatchNamesItsField() {
        let cases: [(String, String)] = [
            ("[]", #"400 body: The body must be a JSON object {"tasks": [...]}"#),
            ("{\"tasks\":[", "400 body: The body is not valid JSON"),
            (#"{"x":1,"tasks":[{"type":"a"}],"b":2}"#, "400 b: Unknown field 'b'; a batch has only 'tasks'"),
            (#"{}"#, "400 tasks: 'tasks' must be a list of task objects"),
            (#"{"tasks":{}}"#, "400 tasks: 'tasks' must be a list of task objects"),
            (#"{"tasks":[]}"#, "400 tasks: 'tasks' must hold 1 to 2 tasks, got 0"),
            (#"{"tasks":[{"type":"a"},{"type":"b"},{"type":"c"}]}"#, "400 tasks: 'tasks' must hold 1 to 2 tasks, got 3"),
            (#"{"tasks":[{"type":"a"},"b"]}"#, "400 tasks[1]: Each task must be a JSON object"),
            (#"{"tasks":[{"type":"a"},{"type":5}]}"#, "400 tasks[1].type: 'type' must be a string"),
            (#"{"tasks":[{"type":"a","delaySeconds":-2}]}"#, "400 tasks[0].delaySeconds: 'delaySeconds' must be 0 to 31622400, got -2.0"),
            (#"{"tasks":[{"type":"a","headers":{"h":null}}]}"#, "400 tasks[0].headers.h: Header 'h' must be a string"),
            (#"{"tasks":[{"type":"a"},{"type":"b","payload":"é"}]}"#, "ok"),
        ]
        for (body, expected) in cases {
            #expect(Self.answer(body, batch: true) == expected, "body: \(body)")
        }
    }

    @Test func readsTheTaskFields() throws {
        let decoder = EnqueueRequestDecoder()
        let task = try decoder.decodeOne(Array(#"{"type":"t","payload":"a\n\u00e9","delaySeconds":2,"idempotencyKey":"k","idempotencyTTLSeconds":60,"headers":{"h":"v"}}"#.utf8), now: 0)
        #expect(task.type == "t" && task.payload == Array("a\né".utf8) && task.schedule == .after(.seconds(2)))
        #expect(task.idempotencyKey == "k" && task.idempotencyTTL == .seconds(60) && task.headers == ["h": "v"])
    }

    /// Whether a JSONSerialization result holds the same data as `value`.
    static func same(_ value: Value, _ other: Any) -> Bool {
        switch value {
        case .null: return other is NSNull
        case .bool(let flag): return (other as? Bool) == flag || (other as? NSNumber)?.boolValue == flag
        case .number(let number): return (other as? NSNumber)?.doubleValue == number
        case .string(let text): return (other as? String) == text
        case .array(let items):
            guard let list = other as? [Any], list.count == items.count else { return false }
            return zip(items, list).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let map = other as? [String: Any], Set(members.map(\.key)) == Set(map.keys) else { return false }
            return map.allSatisfy { key, item in value.member(key).map { same($0, item) } ?? false }
        }
    }
}
