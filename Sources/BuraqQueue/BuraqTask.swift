/// One task as it travels through the queue (see docs/wire-format.md).
public struct BuraqTask: Sendable, Hashable {
    /// Unique task id, chosen by the producer or generated (32 hex digits).
    public var id: String
    /// The handler name, e.g. `email.send`.
    public var type: String
    /// Raw payload bytes; Buraq never looks inside.
    public var payload: [UInt8]
    /// Retries so far: 0 on the first run, 1 on the first retry, ...
    public var attempt: Int
    /// When the task was first enqueued, in milliseconds since the Unix epoch.
    public var enqueuedAt: Int64
    /// Free-form string headers (trace ids, tenant, ...).
    public var headers: [String: String]
    /// Optional deadline in milliseconds since the Unix epoch.
    public var deadline: Int64?
    /// The stream entry id the task was read from (set by the worker; nil before it is enqueued).
    public var streamID: String?
    /// The priority level it was enqueued with (nil: the queue's plain stream).
    public var priority: String?

    public init(id: String, type: String, payload: [UInt8], attempt: Int = 0, enqueuedAt: Int64,
                headers: [String: String] = [:], deadline: Int64? = nil, streamID: String? = nil, priority: String? = nil) {
        self.id = id
        self.type = type
        self.payload = payload
        self.attempt = attempt
        self.enqueuedAt = enqueuedAt
        self.headers = headers
        self.deadline = deadline
        self.streamID = streamID
        self.priority = priority
    }

    /// The payload as UTF-8 text (invalid sequences repaired).
    public var payloadString: String { String(decoding: payload, as: UTF8.self) }
}
