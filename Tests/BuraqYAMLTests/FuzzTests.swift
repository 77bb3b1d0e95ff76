import BuraqTestSupport
import BuraqYAML
import Foundation
import Testing

/// Any YAML value, decoded through every kind of container.
indirect enum AnyValue: Decodable, Equatable {
    case null
    case string(String)
    case list([AnyValue])
    case map([String: AnyValue])

    init(from decoder: any Decoder) throws {
        if let c = try? decoder.singleValueContainer(), c.decodeNil() {
            self = .null
        } else if let c = try? decoder.singleValueContainer(), let s = try? c.decode(String.self) {
            self = .string(s)
        } else if var c = try? decoder.unkeyedContainer() {
            var items: [AnyValue] = []
            while !c.isAtEnd { items.append(try c.decode(AnyValue.self)) }
            self = .list(items)
        } else {
            self = .map(try [String: AnyValue](from: decoder))
        }
    }
}

struct FuzzTests {
    static let seeds = [
        """
        apiVersion: buraq.dev/v1alpha1
        kind: TaskQueue
        metadata: {name: emails, labels: {a: "b"}}
        spec:
          redis: {address: "redis:6379", database: 0}
          queue: emails
          priorities: [high, low]
          workers:
            scaleTargetRef: {name: w}
            maxReplicas: 20
          scaling:
            targetPerReplica: 100
            behavior:
              scaleUp:
                policies:
                - {type: Pods, value: 4, periodSeconds: 15}
                tolerance: "50m"
        """,
        """
        base: &b {x: 1, y: [a, 'b', "c\\n"]}
        ---
        merged:
          <<: *b
          z: |
            literal
            text
          w: >
            folded
        list: [*b, *b, ~, null, yes, no, 0x1F, .inf]
        """,
    ]

    static let alphabet = Array(":-[]{}&*!|>'\"#,?%@`\n\t \\~.0123456789abcxyz<<".utf8)

    static func mutate(_ input: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[at] = alphabet.randomElement(using: &random)!
            case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
            case 3:
                let end = min(bytes.count, at + Int.random(in: 1...40, using: &random))
                bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
            case 4: bytes[at] = UInt8.random(in: 0...255, using: &random)
            default: bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    /// Parses and decodes; the only acceptable failure is a YAMLError (typed throws guarantee it),
    /// so reaching the end without a crash is the property.
    static func exercise(_ bytes: [UInt8]) -> Bool {
        let decoder = YAMLDecoder(limits: YAMLLimits(maxInputBytes: 1 << 16, maxDepth: 30, maxNodes: 5000))
        guard let documents = try? decoder.documents(from: bytes, file: "fuzz") else { return false }
        for document in documents {
            _ = try? decoder.decode(AnyValue.self, from: document.root)
            _ = try? decoder.decodeReportingUnknownFields(MalformedCorpusTests.Target.self, from: document.root)
        }
        return true
    }

    // The loops below run on a thread of their own (`onIdleThread`): seconds of parsing on the
    // tests' pool would stall the tests beside them.

    @Test func mutatedDocumentsNeverCrash() async throws {
        let parsed = try await onIdleThread {
            var random = SeededRandom(seed: 42)
            var parsed = 0
            for round in 0..<3000 {
                let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
                if Self.exercise(Self.mutate(seed, &random)) { parsed += 1 }
            }
            return parsed
        }
        // Some mutations stay valid YAML, some do not; both kinds must occur.
        #expect(parsed > 300 && parsed < 3000)
    }

    @Test func randomBytesNeverCrash() async throws {
        let parsed = try await onIdleThread {
            var random = SeededRandom(seed: 7)
            var parsed = 0
            for _ in 0..<2000 {
                let length = Int.random(in: 0..<200, using: &random)
                let pool = Bool.random(using: &random) ? Self.alphabet : Array(0...255)
                if Self.exercise((0..<length).map { _ in pool.randomElement(using: &random)! }) { parsed += 1 }
            }
            return parsed
        }
        // Not crashing is the property; the count shows the loop ran and some input parsed.
        #expect(parsed > 0 && parsed < 2000, "parsed \(parsed)")
    }

    /// Random trees written as YAML parse back to the same tree.
    @Test func generatedTreesRoundTrip() async throws {
        let mismatches = try await onIdleThread {
            var random = SeededRandom(seed: 2026)
            var mismatches: [String] = []
            for _ in 0..<300 {
                let value = Self.tree(depth: 0, &random)
                let text = Self.write(value, indent: 0)
                do {
                    let decoded = try YAMLDecoder().decode(AnyValue.self, from: text)
                    if decoded != value { mismatches.append("\(text) decoded as \(decoded)") }
                } catch {
                    mismatches.append("\(text) failed: \(error)")
                }
            }
            return mismatches
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of 300: \(mismatches.prefix(3))")
    }

    static func tree(depth: Int, _ random: inout SeededRandom) -> AnyValue {
        let choice = depth > 4 ? 0 : Int.random(in: 0..<3, using: &random)
        switch choice {
        case 1:
            return .list((0..<Int.random(in: 1...4, using: &random)).map { _ in tree(depth: depth + 1, &random) })
        case 2:
            var map: [String: AnyValue] = [:]
            for index in 0..<Int.random(in: 1...4, using: &random) { map["k\(index)"] = tree(depth: depth + 1, &random) }
            return .map(map)
        default:
            let words = ["no", "on", "yes", "1.10", "0755", "~", "a: b", "#x", "- y", "  lead", "é ü", "tab\there", "\"q\"", ""]
            return .string(words.randomElement(using: &random)!)
        }
    }

    /// Block-style YAML with every string double-quoted.
    static func write(_ value: AnyValue, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .null: return "\(pad)~\n"
        case .string(let s):
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\t", with: "\\t")
            return "\(pad)\"\(escaped)\"\n"
        case .list(let items):
            return items.map { "\(pad)-\n" + write($0, indent: indent + 2) }.joined()
        case .map(let map):
            return map.keys.sorted().map { "\(pad)\($0):\n" + write(map[$0]!, indent: indent + 2) }.joined()
        }
    }
}
