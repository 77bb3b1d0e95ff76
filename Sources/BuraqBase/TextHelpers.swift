/// Whitespace trimming and case-blind comparison, as Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` does it
/// for the text Buraq reads (headers, tokens, kubeconfig values, cron fields).
extension StringProtocol {
    /// The text without leading and trailing whitespace or line breaks.
    public var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// Equal to `other` when ASCII letters are compared without case (HTTP header names).
    public func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }
}

/// Percent-encoding of URL parts (RFC 3986), byte by byte over UTF-8.
public enum PercentEncoding: Sendable {
    /// RFC 3986 unreserved characters: letters, digits, `-`, `.`, `_`, `~`.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A path segment may also hold sub-delimiters, `:` and `@` (RFC 3986 `pchar`), never `/`.
    public static func isPathSegmentAllowed(_ byte: UInt8) -> Bool {
        if isUnreserved(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    /// `text` with every byte that `allowed` rejects written as `%XX` (upper-case hex).
    public static func encode(_ text: String, allowed: (UInt8) -> Bool = isUnreserved) -> String {
        let utf8 = text.utf8
        if utf8.allSatisfy(allowed) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if allowed(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with every `%XX` turned back into its byte; nil when an escape is malformed or the
    /// bytes are not UTF-8.
    public static func decode(_ text: String) -> String? {
        var out = [UInt8]()
        var iterator = text.utf8.makeIterator()
        func hexValue(_ byte: UInt8?) -> UInt8? {
            switch byte {
            case .some(let b) where b >= 48 && b <= 57: return b - 48
            case .some(let b) where b >= 65 && b <= 70: return b - 55
            case .some(let b) where b >= 97 && b <= 102: return b - 87
            default: return nil
            }
        }
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else { return nil }
                out.append(high << 4 | low)
            } else {
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
