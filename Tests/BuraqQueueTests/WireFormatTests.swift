import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Testing

@Suite struct WireFormatTests {
    func raw(_ pairs: [(String, [UInt8])]) -> [RESPValue] {
        pairs.flatMap { [RESPValue.bulk(Array($0.0.utf8)), .bulk($0.1)] }
    }

    @Test func fieldsRoundTrip() throws {
        let task = BuraqTask(id: "abc", type: "email.send", payload: [0, 1, 2, 0, 255], attempt: 3, enqueuedAt: 1_700_000_000_123,
                             headers: ["trace": "t-1", "tenant": "acme"], deadline: 1_700_000_100_000)
        let fields = WireFormat.fields(of: task)
        let back = try WireFormat.task(fromFields: fields.map { .bulk($0) }, streamID: "1-0")
        var expected = task
        expected.streamID = "1-0"
        #expect(back == expected)
        #expect(fields.map { String(decoding: $0, as: UTF8.self) }.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                == ["id", "type", "payload", "attempt", "enqueued_at", "deadline", "h:tenant", "h:trace"])
    }

    @Test func minimalEntryFromAnotherLanguageDecodes() throws {
        // What a Python producer following docs/wire-format.md writes: only the required fields.
        let task = try WireFormat.task(fromFields: raw([("type", Array("noop".utf8)), ("id", Array("py-1".utf8)), ("payload", [])]), streamID: nil)
        #expect(task.id == "py-1")
        #expect(task.attempt == 0)
        #expect(task.payload.isEmpty)
        #expect(task.enqueuedAt == 0)
    }

    @Test(arguments: [
        ([("type", "t"), ("payload", "")], "Missing field 'id'"),
        ([("id", "1"), ("payload", "")], "Missing field 'type'"),
        ([("id", "1"), ("type", "t")], "Missing field 'payload'"),
        ([("id", "1"), ("type", "t"), ("payload", ""), ("attempt", "-1")], "Field 'attempt' must be a non-negative integer"),
        ([("id", "1"), ("type", "t"), ("payload", ""), ("attempt", "two")], "Field 'attempt' must be a non-negative integer, got 'two'"),
        ([("id", "1"), ("type", "t"), ("payload", ""), ("enqueued_at", "yesterday")], "Field 'enqueued_at' must be milliseconds"),
        ([("id", "1"), ("type", "t"), ("payload", ""), ("deadline", "1.5")], "Field 'deadline' must be milliseconds"),
        ([("id", ""), ("type", "t"), ("payload", "")], "Missing field 'id'"),
    ] as [([(String, String)], String)])
    func malformedEntriesNameTheField(pairs: [(String, String)], message: String) {
        do {
            _ = try WireFormat.task(fromFields: raw(pairs.map { ($0.0, Array($0.1.utf8)) }), streamID: "5-0")
            Issue.record("accepted \(pairs)")
        } catch {
            #expect(error.code == .malformedTask)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.context["streamID"] == "5-0")
        }
    }

    @Test func binaryGarbageIsRejectedNotCrashed() {
        let garbage: [RESPValue] = [.bulk(Array("type".utf8)), .bulk([0xff, 0xfe, 0x00]), .bulk(Array("id".utf8)), .bulk([1]), .bulk(Array("payload".utf8)), .bulk([])]
        #expect(throws: QueueError.self) { try WireFormat.task(fromFields: garbage, streamID: nil) }
        #expect(throws: QueueError.self) { try WireFormat.task(fromFields: [.bulk([1])], streamID: nil) }
        #expect(throws: QueueError.self) { try WireFormat.task(fromFields: [.integer(1), .bulk([1])], streamID: nil) }
        var rng = SeededRandom(seed: 42)
        for _ in 0..<2000 {
            let n = Int(rng.next() % 8) * 2
            let items: [RESPValue] = (0..<n).map { i in
                if i % 2 == 0 { return .bulk(Array(["id", "type", "payload", "attempt", "enqueued_at", "deadline", "h:x", "zz"][Int(rng.next() % 8)].utf8)) }
                return .bulk((0..<Int(rng.next() % 6)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            _ = try? WireFormat.task(fromFields: items, streamID: nil)
        }
    }

    @Test func retryPolicyGrowsThenDeadLetters() {
        let policy = RetryPolicy(maxRetries: 3, backoff: Backoff(initialDelay: .milliseconds(100), maxDelay: .seconds(10)))
        #expect(policy.decide(attempt: 0, random: 0) == .retry(after: .milliseconds(50)))
        #expect(policy.decide(attempt: 0, random: 0.999_999) <= .retry(after: .milliseconds(100)))
        #expect(policy.decide(attempt: 1, random: 0) == .retry(after: .milliseconds(100)))
        #expect(policy.decide(attempt: 2, random: 0) == .retry(after: .milliseconds(200)))
        #expect(policy.decide(attempt: 3, random: 0) == .deadLetter)
        #expect(RetryPolicy(maxRetries: 0).decide(attempt: 0) == .deadLetter)
    }

    @Test func queueNamesAreChecked() throws {
        #expect(try QueueKeys(queue: "emails.high").stream == "buraq:{emails.high}:stream")
        for bad in ["", "a b", "x{y}", "é", String(repeating: "a", count: 201)] {
            #expect(throws: QueueError.self) { try QueueKeys(queue: bad) }
        }
    }
}

extension RetryPolicy.Decision: Comparable {
    public static func < (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.retry(let x), .retry(let y)): return x < y
        case (.retry, .deadLetter): return true
        default: return false
        }
    }
}
