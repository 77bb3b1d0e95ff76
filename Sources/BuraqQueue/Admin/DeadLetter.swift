import BuraqRedis

/// One entry of a queue's dead-letter stream: the task's fields as they were, plus why it failed
/// (see docs/wire-format.md, "Dead-letter entries").
public struct DeadLetter: Sendable, Hashable {
    /// One field of the entry, in stream order.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: [UInt8]
        /// The value as UTF-8 text (invalid sequences repaired).
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// The dead-letter stream entry id, e.g. `1764780000000-0`.
    public var entryID: String
    /// Every field, in order.
    public var fields: [Field]

    public init(entryID: String, fields: [Field]) {
        self.entryID = entryID
        self.fields = fields
    }

    /// The raw value of field `name`.
    public func value(_ name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }
    /// The text of field `name`.
    public func text(_ name: String) -> String? { value(name).map { String(decoding: $0, as: UTF8.self) } }

    public var taskID: String? { text(WireFormat.idField) }
    public var type: String? { text(WireFormat.typeField) }
    public var payload: [UInt8] { value(WireFormat.payloadField) ?? [] }
    /// `failed`, `non_retryable`, `unknown_type`, `malformed` or `quarantined`.
    public var reason: String? { text("reason") }
    public var error: String? { text("error") }
    public var attempts: Int? { text("attempts").flatMap { Int($0) } }
    /// ms since the epoch.
    public var failedAt: Int64? { text("failed_at").flatMap { Int64($0) } }
    public var worker: String? { text("worker") }

    /// Reads an XRANGE item (`[id, [field, value, ...]]`).
    public init?(item: RESPValue) {
        guard let parts = item.array, parts.count == 2, let id = parts[0].string else { return nil }
        let raw = parts[1].array ?? []
        var fields: [Field] = []
        var i = 0
        while i + 1 < raw.count {
            if let name = raw[i].string, let value = raw[i + 1].bytes { fields.append(Field(name: name, value: value)) }
            i += 2
        }
        self.init(entryID: id, fields: fields)
    }
}

/// Selects dead letters by task type and reason (nil: any).
public struct DeadLetterFilter: Sendable, Hashable {
    public var type: String?
    public var reason: String?

    public init(type: String? = nil, reason: String? = nil) {
        self.type = type
        self.reason = reason
    }

    public func matches(_ letter: DeadLetter) -> Bool {
        (type == nil || letter.type == type) && (reason == nil || letter.reason == reason)
    }
}
