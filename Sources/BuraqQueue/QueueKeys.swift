/// The Redis keys of one queue. Every key carries the queue name as a `{hash tag}`, so a Redis
/// Cluster keeps a whole queue in one slot and the Lua scripts may touch all of them.
public struct QueueKeys: Sendable, Hashable {
    /// The queue name as given (validated by ``QueueName/validate(_:)``).
    public let queue: String

    public init(queue: String) throws(QueueError) {
        try QueueName.validate(queue)
        self.queue = queue
    }

    /// The parts hot paths write keys from without building them: `head`, the queue, a tail.
    static let head = "buraq:{"
    static let streamTail = "}:stream"
    static let scheduledTail = "}:scheduled"
    static let deadLetterTail = "}:dlq"

    /// `buraq:{Q}` — the prefix shared by every key of the queue.
    public var prefix: String { "\(Self.head)\(queue)}" }
    /// `buraq:{Q}:stream` — the task stream (XADD / XREADGROUP).
    public var stream: String { "\(Self.head)\(queue)\(Self.streamTail)" }
    /// `buraq:{Q}:stream:<level>` for a priority level; the plain stream for nil or `default`
    /// (so producers that know nothing of priorities enqueue at the default level).
    public func stream(priority: String?) -> String {
        guard let priority, !priority.isEmpty, priority != "default" else { return stream }
        return "\(stream):\(priority)"
    }
    /// The streams a worker reads, highest priority first: one per level; the plain stream stands
    /// for the level `default`, or comes last when no level has that name.
    public func streams(priorities: [String]) -> [String] {
        var out = priorities.map { stream(priority: $0) }
        if !out.contains(stream) { out.append(stream) }
        return out
    }
    /// `buraq:{Q}:scheduled` — ZSET of task ids due later (score: due time, ms since epoch).
    public var scheduled: String { "\(Self.head)\(queue)\(Self.scheduledTail)" }
    /// `buraq:{Q}:task:{id}` — the fields of a scheduled task, while it waits in ``scheduled``.
    public func scheduledTask(_ id: String) -> String { "\(prefix):task:\(id)" }
    /// `buraq:{Q}:task:` — prefix of ``scheduledTask(_:)`` (for scripts).
    public var scheduledTaskPrefix: String { "\(prefix):task:" }
    /// `buraq:{Q}:dlq` — the dead-letter stream.
    public var deadLetter: String { "\(Self.head)\(queue)\(Self.deadLetterTail)" }
    /// `buraq:{Q}:config` — hash of queue settings written by the controller.
    public var config: String { "\(prefix):config" }
    /// `buraq:{Q}:workers` — ZSET of live worker ids (score: last heartbeat, ms since epoch).
    public var workers: String { "\(prefix):workers" }
    /// `buraq:{Q}:worker:{id}` — hash describing one worker (see ``WorkerHeartbeat``), with a TTL.
    public func worker(_ id: String) -> String { "\(prefix):worker:\(id)" }
    /// `buraq:{Q}:idem:{key}` — the task id enqueued under an idempotency key, with a TTL.
    public func idempotency(_ key: String) -> String { "\(prefix):idem:\(key)" }
    /// `buraq:{Q}:ratelimit` — hash holding the shared token bucket (tokens, updated_ms).
    public var rateLimit: String { "\(prefix):ratelimit" }
    /// `buraq:{Q}:cron` — hash of cron schedules (name → definition).
    public var cron: String { "\(prefix):cron" }
    /// `buraq:{Q}:cron:last` — hash of the last tick enqueued per schedule (name → ms since epoch).
    public var cronLastRun: String { "\(prefix):cron:last" }
}

/// Rules for queue names.
public enum QueueName: Sendable {
    /// Letters, digits, `.`, `_`, `-`, `:`; 1 to 200 characters. No braces (they would break the
    /// hash tag) and no spaces.
    public static func validate(_ name: String) throws(QueueError) {
        guard !name.isEmpty, name.utf8.count <= 200 else {
            throw QueueError(code: .invalidArgument, message: "Queue name must be 1 to 200 characters, got \(name.utf8.count)",
                             context: ["queue": name])
        }
        for scalar in name.unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "." || scalar == "_" || scalar == "-" || scalar == ":"
            if !ok {
                throw QueueError(code: .invalidArgument,
                                 message: "Queue name '\(name)' contains '\(scalar)'; expected letters, digits, '.', '_', '-' or ':'",
                                 context: ["queue": name])
            }
        }
    }
}
