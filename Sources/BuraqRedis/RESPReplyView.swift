import CHiredis

/// A read-only look at one reply where hiredis parsed it, for decoders that turn hot replies
/// (e.g. `XREADGROUP` batches) straight into their own types without building a ``RESPValue`` tree.
///
/// A view is valid only inside the decoding closure it was passed to (see
/// ``RedisClient/send(_:timeout:decoding:)``): the reply is freed right after. Copy out what you keep.
public struct RESPReplyView {
    private let reply: UnsafeMutablePointer<redisReply>?

    init(_ reply: UnsafeMutablePointer<redisReply>?) {
        self.reply = reply
    }

    /// What kind of reply this is.
    public enum Kind: Sendable, Hashable {
        case status, error, integer, bulk, null, array
        /// A RESP3 type Buraq does not use.
        case other
    }

    public var kind: Kind {
        guard let reply else { return .null }
        switch reply.pointee.type {
        case REDIS_REPLY_STRING: return .bulk
        case REDIS_REPLY_STATUS: return .status
        case REDIS_REPLY_ERROR: return .error
        case REDIS_REPLY_INTEGER: return .integer
        case REDIS_REPLY_NIL: return .null
        case REDIS_REPLY_ARRAY: return .array
        default: return .other
        }
    }

    /// Elements of an array reply; 0 for anything else.
    public var count: Int {
        guard let reply, reply.pointee.type == REDIS_REPLY_ARRAY else { return 0 }
        return Int(reply.pointee.elements)
    }

    /// Element `index` of an array reply (`0..<count`).
    public subscript(index: Int) -> RESPReplyView {
        precondition(index >= 0 && index < count, "reply element \(index) out of range 0..<\(count)")
        return RESPReplyView(reply!.pointee.element[index])
    }

    /// The bytes of a bulk or status reply, nil for other kinds. Valid only while the view is.
    public var bytes: UnsafeRawBufferPointer? {
        guard let reply, reply.pointee.type == REDIS_REPLY_STRING || reply.pointee.type == REDIS_REPLY_STATUS else { return nil }
        guard let str = reply.pointee.str, reply.pointee.len > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: str, count: reply.pointee.len)
    }

    /// An integer reply's value, else nil.
    public var integer: Int64? {
        guard let reply, reply.pointee.type == REDIS_REPLY_INTEGER else { return nil }
        return Int64(reply.pointee.integer)
    }

    /// Whether this is a bulk or status reply holding exactly `expected`'s UTF-8 (no copy).
    public func holds(_ expected: String) -> Bool {
        guard let bytes else { return false }
        var text = expected
        return text.withUTF8 { utf8 in utf8.count == bytes.count && bytes.elementsEqual(utf8) }
    }

    /// A bulk or status reply as text (invalid UTF-8 repaired), else nil.
    public var string: String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// An error reply's text, else nil.
    public var errorMessage: String? {
        guard let reply, reply.pointee.type == REDIS_REPLY_ERROR else { return nil }
        guard let str = reply.pointee.str, reply.pointee.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: reply.pointee.len), as: UTF8.self)
    }

    /// The whole reply copied into a ``RESPValue``.
    public var value: RESPValue {
        guard let reply else { return .null }
        return RedisConnection.convert(reply)
    }
}

/// Not sendable: a view points into a reply that lives only on its connection's thread.
@available(*, unavailable)
extension RESPReplyView: Sendable {}
