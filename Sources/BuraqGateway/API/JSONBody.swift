import BuraqQueue
import Foundation

/// Encoding of response bodies.
enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A `Codable` value as compact JSON (one line: usable as a Server-Sent Events `data:` line).
    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? Array(encoder.encode(value))) ?? Array("null".utf8)
    }

    /// A JSON object built from plain values (strings, numbers, booleans, arrays, dictionaries).
    static func object(_ value: [String: Any]) -> [UInt8] {
        (try? Array(JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? Array("{}".utf8)
    }

    /// `s` as a JSON string literal, quotes included.
    static func quoted(_ s: String) -> String {
        JSONText.quoted(s)
    }
}
