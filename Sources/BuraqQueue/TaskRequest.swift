/// What a producer asks to enqueue.
public struct TaskRequest: Sendable, Hashable {
    /// When the task becomes runnable.
    public enum Schedule: Sendable, Hashable {
        /// Right away (appended to the stream).
        case now
        /// After a delay from the moment of enqueueing.
        case after(Duration)
        /// At a wall-clock time, in milliseconds since the Unix epoch.
        case at(Int64)
    }

    public var type: String
    public var payload: [UInt8]
    /// A producer-chosen id; nil generates one.
    public var id: String?
    public var headers: [String: String]
    public var schedule: Schedule
    /// Optional deadline, ms since the epoch.
    public var deadline: Int64?
    /// Priority level (e.g. `high`); the task goes to the stream `<stream>:<level>`. Nil: the
    /// queue's plain stream, which workers read after every level.
    public var priority: String?
    /// An idempotency key: while it lives (``idempotencyTTL``), enqueueing another request with
    /// the same key on the same queue adds nothing and returns the first task's id.
    public var idempotencyKey: String?
    /// How long an idempotency key is remembered (default 24 hours).
    public var idempotencyTTL: Duration = .seconds(86_400)

    public init(type: String, payload: [UInt8] = [], id: String? = nil, headers: [String: String] = [:],
                schedule: Schedule = .now, deadline: Int64? = nil, priority: String? = nil) {
        self.type = type
        self.payload = payload
        self.id = id
        self.headers = headers
        self.schedule = schedule
        self.deadline = deadline
        self.priority = priority
    }

    /// A request with a UTF-8 text payload.
    public init(type: String, text: String, id: String? = nil, headers: [String: String] = [:], schedule: Schedule = .now,
                priority: String? = nil) {
        self.init(type: type, payload: Array(text.utf8), id: id, headers: headers, schedule: schedule, priority: priority)
    }
}
