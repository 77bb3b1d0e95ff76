/// A small JSON reader that remembers the line of every value, so trace errors can name it.
/// Numbers are kept as their text; the trace reader checks their form.
struct JSONScanner {
    indirect enum Value {
        case object([(key: String, node: Node)])
        case array([Node])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    struct Node {
        var value: Value
        var line: Int
    }

    /// A syntax error at `line`.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Parses the whole text as one value.
    mutating func parseDocument() throws(SyntaxError) -> Node {
        let node = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw SyntaxError(line: line, message: "unexpected text after the end of the JSON value") }
        return node
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
    }

    private func describeNext() -> String {
        guard index < bytes.count else { return "the end of the text" }
        return "'\(String(decoding: [bytes[index]], as: UTF8.self))'"
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else {
            throw SyntaxError(line: line, message: "expected \(what), found \(describeNext())")
        }
        index += 1
    }

    private mutating func parseValue() throws(SyntaxError) -> Node {
        skipWhitespace()
        let startLine = line
        guard index < bytes.count else { throw SyntaxError(line: line, message: "expected a value, found the end of the text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return Node(value: try parseObject(), line: startLine)
        case UInt8(ascii: "["): return Node(value: try parseArray(), line: startLine)
        case UInt8(ascii: "\""): return Node(value: .string(try parseString()), line: startLine)
        case UInt8(ascii: "t"): try literal("true"); return Node(value: .bool(true), line: startLine)
        case UInt8(ascii: "f"): try literal("false"); return Node(value: .bool(false), line: startLine)
        case UInt8(ascii: "n"): try literal("null"); return Node(value: .null, line: startLine)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return Node(value: .number(parseNumber()), line: startLine)
        default: throw SyntaxError(line: line, message: "expected a value, found \(describeNext())")
        }
    }

    private mutating func literal(_ word: String) throws(SyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw SyntaxError(line: line, message: "expected a value, found \(describeNext())")
        }
        index += expected.count
    }

    private mutating func parseNumber() -> String {
        let start = index
        let numberBytes = Array("+-0123456789.eE".utf8)
        while index < bytes.count, numberBytes.contains(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                let simple: [UInt8: Unicode.Scalar] = [
                    UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
                    UInt8(ascii: "b"): "\u{8}", UInt8(ascii: "f"): "\u{C}", UInt8(ascii: "n"): "\n",
                    UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
                ]
                if let scalar = simple[escape] {
                    scalars.append(scalar)
                } else if escape == UInt8(ascii: "u"), bytes.count - index >= 4,
                    let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                {
                    index += 4
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                } else {
                    throw SyntaxError(line: line, message: "invalid escape in a string")
                }
            case 0x0A:
                throw SyntaxError(line: line, message: "unterminated string (a line break inside quotes)")
            default:
                raw.append(byte)
            }
        }
        throw SyntaxError(line: line, message: "unterminated string")
    }

    private mutating func parseArray() throws(SyntaxError) -> Value {
        index += 1
        var elements: [Node] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(elements)
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> Value {
        index += 1
        var members: [(key: String, node: Node)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw SyntaxError(line: line, message: "expected a field name in quotes, found \(describeNext())")
            }
            let key = try parseString()
            try expect(UInt8(ascii: ":"), "':' after the field name \"\(key)\"")
            members.append((key, try parseValue()))
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        }
    }
}
