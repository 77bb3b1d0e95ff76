import FoundationEssentials

/// A periodic task: a cron expression and the task to enqueue at each tick. Kept in the hash
/// `buraq:{Q}:cron` (field: the name; value: this as JSON, see docs/wire-format.md).
public struct CronSchedule: Sendable, Hashable, Codable {
    /// Unique within the queue: letters, digits, `.`, `_`, `-`, `:` (1 to 200 characters).
    public var name: String
    /// The cron expression (UTC), as written.
    public var expression: String
    /// The task type to enqueue.
    public var type: String
    /// The payload of each enqueued task (base64 in the JSON).
    public var payload: [UInt8]
    /// Priority level of the enqueued tasks (nil: the plain stream).
    public var priority: String?
    /// When the schedule was added (ms since the epoch); ticks before it never run.
    public var createdAt: Int64

    public init(name: String, expression: String, type: String, payload: [UInt8] = [], priority: String? = nil, createdAt: Int64) {
        self.name = name
        self.expression = expression
        self.type = type
        self.payload = payload
        self.priority = priority
        self.createdAt = createdAt
    }

    /// The parsed expression.
    /// - Throws: ``QueueError`` `.invalidArgument` naming the field that is wrong.
    public func parsed() throws(QueueError) -> CronExpression { try CronExpression(expression) }

    /// Checks the name, the expression, the type and the priority.
    public func validate() throws(QueueError) {
        do { try QueueName.validate(name) } catch {
            throw QueueError(code: .invalidArgument, message: error.message.replacing("Queue name", with: "Schedule name"),
                             context: ["schedule": name])
        }
        _ = try parsed()
        guard !type.isEmpty else { throw QueueError(code: .invalidArgument, message: "Schedule '\(name)': task type must not be empty") }
        if let priority, priority.isEmpty || !priority.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw QueueError(code: .invalidArgument, message: "Schedule '\(name)': priority '\(priority)' must be letters, digits, '-' or '_'")
        }
    }

    /// The task id of the run at `tick`: the same on every worker, so a handler can tell runs apart.
    public func taskID(tick: Int64) -> String { "cron-\(name)-\(tick)" }

    private enum CodingKeys: String, CodingKey {
        case name, expression = "cron", type, payload, priority, createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        expression = try c.decode(String.self, forKey: .expression)
        type = try c.decode(String.self, forKey: .type)
        let text = try c.decodeIfPresent(String.self, forKey: .payload) ?? ""
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .payload, in: c, debugDescription: "payload must be base64")
        }
        payload = Array(data)
        priority = try c.decodeIfPresent(String.self, forKey: .priority)
        createdAt = try c.decodeIfPresent(Int64.self, forKey: .createdAt) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(expression, forKey: .expression)
        try c.encode(type, forKey: .type)
        try c.encode(Data(payload).base64EncodedString(), forKey: .payload)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// Which tick of a schedule is due. Missed ticks (workers down, scheduler disabled) are
/// coalesced: only the latest tick at or before now runs, once; ticks at or before the last run
/// or the schedule's creation never run.
public enum CronPlanner: Sendable {
    /// The tick to enqueue at `now`, or nil when nothing is due.
    public static func dueTick(_ expression: CronExpression, lastRun: Int64?, createdAt: Int64, now: Int64) -> Int64? {
        guard let latest = expression.previous(atOrBefore: now) else { return nil }
        return latest > max(lastRun ?? Int64.min, createdAt) ? latest : nil
    }
}
