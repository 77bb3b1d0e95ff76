/// A small JSON reader for enqueue bodies: bytes to a ``Value`` tree, without Foundation, `Any`
/// or `NSNumber` (JSONSerialization cost about as much as the rest of a request).
///
/// It accepts what JSONSerialization accepted for these bodies — RFC 8259 JSON with an object or
/// array at the top, an optional UTF-8 byte order mark, trailing commas before `}` or `]`, at most
/// 512 levels of nesting — and refuses the same: invalid UTF-8, control characters or lone
/// surrogates in strings, numbers with leading zeros or out of `Double`'s range, trailing text.
/// Repeated object keys are kept in order; ``Value/member(_:)`` returns the last, as a dictionary would.
enum RequestJSON {
    /// A JSON value; object members in document order.
    enum Value: Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([Member])

        /// The last member named `name` of an object (nil for a missing member or another kind).
        func member(_ name: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.last { $0.key == name }?.value
        }
    }

    /// One `"key": value` pair of an object.
    struct Member: Equatable {
        var key: String
        var value: Value
    }

    /// The document in `bytes`, or nil when it is not valid JSON.
    static func parse(_ bytes: [UInt8]) -> Value? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            return reader.document()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0
        static let maxDepth = 512
        /// `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and the bytes they stand for.
        static let escapeLetters: [UInt8] = Array(#""\/bfnrt"#.utf8)
        static let escapedBytes: [UInt8] = [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09]

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The byte at the read position, or 0 at the end (0 is never valid outside a string).
        var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

        mutating func document() -> Value? {
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
            skipSpace()
            guard current == UInt8(ascii: "{") || current == UInt8(ascii: "[") else { return nil }
            guard let value = value() else { return nil }
            skipSpace()
            return index == bytes.count ? value : nil
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value() -> Value? {
            skipSpace()
            switch current {
            case UInt8(ascii: "{"): return container(object: true)
            case UInt8(ascii: "["): return container(object: false)
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return number().map(Value.number)
            }
        }

        mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// An object (`{...}`) or an array (`[...]`); the read position is on the opening bracket.
        mutating func container(object: Bool) -> Value? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return nil }
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            var members: [Member] = []
            var items: [Value] = []
            skipSpace()
            while current != close {
                if object {
                    guard current == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let value = value() else { return nil }
                    members.append(Member(key: key, value: value))
                } else {
                    guard let value = value() else { return nil }
                    items.append(value)
                }
                skipSpace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                } else if current != close {
                    return nil
                }
            }
            index += 1
            return object ? .object(members) : .array(items)
        }

        /// A string; the read position is on the opening quote.
        mutating func string() -> String? {
            index += 1
            let start = index
            // Most strings have no escapes: one pass to find the end, one to check the UTF-8.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            var decoded = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: decoded, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard escape(into: &decoded) else { return nil }
                case 0..<0x20: return nil
                default: decoded.append(byte)
                }
            }
            return nil
        }

        /// The escape after a backslash, appended to `out` as UTF-8.
        mutating func escape(into out: inout [UInt8]) -> Bool {
            let byte = current
            index += 1
            if let letter = Self.escapeLetters.firstIndex(of: byte) {
                out.append(Self.escapedBytes[letter])
                return true
            }
            switch byte {
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return false }
                if (0xDC00...0xDFFF).contains(code) { return false }
                if (0xD800...0xDBFF).contains(code) {
                    guard word("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { return false }
                out.append(contentsOf: UTF8.encode(scalar)!)
            default: return false
            }
            return true
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - index >= 4 else { return nil }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }

        /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a `Double`.
        mutating func number() -> Double? {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { return nil }
            }
            var integral = true
            if current == UInt8(ascii: ".") {
                index += 1
                integral = false
                guard digits() > 0 else { return nil }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                integral = false
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
            // Short integers exactly, without going through text.
            if integral && text.count <= 16 {
                var value: Int64 = 0
                for byte in text where byte != UInt8(ascii: "-") { value = value * 10 + Int64(byte - UInt8(ascii: "0")) }
                return text.first == UInt8(ascii: "-") ? -Double(value) : Double(value)
            }
            guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { return nil }
            return value
        }

        /// Skips decimal digits; how many.
        mutating func digits() -> Int {
            let start = index
            while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
    }
}
