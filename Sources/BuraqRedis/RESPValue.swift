/// One Redis reply (RESP2), copied out of hiredis' reply tree so it can cross threads.
///
/// Bulk strings keep raw bytes: Buraq payloads are binary and may contain NUL bytes.
public enum RESPValue: Sendable, Hashable {
    /// A status reply such as `OK` or `PONG`.
    case status(String)
    /// An error reply; the text is Redis' own, e.g. `WRONGTYPE Operation against a key ...`.
    case error(String)
    /// An integer reply.
    case integer(Int64)
    /// A bulk string reply, byte for byte.
    case bulk([UInt8])
    /// A nil bulk string or nil array.
    case null
    /// An array reply (possibly nested).
    case array([RESPValue])

    /// The reply as UTF-8 text for status and bulk replies (invalid UTF-8 is repaired), else nil.
    public var string: String? {
        switch self {
        case .status(let s): return s
        case .bulk(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }

    /// Raw bytes of a bulk or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let b): return b
        case .status(let s): return Array(s.utf8)
        default: return nil
        }
    }

    /// An integer reply, or a bulk/status reply holding a decimal integer.
    public var int: Int64? {
        switch self {
        case .integer(let i): return i
        case .bulk, .status: return string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array reply; an empty array for `.null`.
    public var array: [RESPValue]? {
        switch self {
        case .array(let a): return a
        case .null: return []
        default: return nil
        }
    }

    /// True for a nil reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The error text of an error reply.
    public var errorMessage: String? {
        if case .error(let e) = self { return e }
        return nil
    }
}

extension RESPValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status(let s): return s
        case .error(let e): return "(error) \(e)"
        case .integer(let i): return "(integer) \(i)"
        case .bulk(let b): return "\"\(String(decoding: b, as: UTF8.self))\""
        case .null: return "(nil)"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
