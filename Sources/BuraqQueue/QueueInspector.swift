import BuraqRedis

/// Reads ``QueueStats`` for a queue and consumer group.
///
/// The controller reads a thousand queues a second, so a read encodes its commands straight into
/// one buffer (keys written from their parts, no String per key) and decodes the replies where
/// hiredis parsed them, keeping only the figures.
public struct QueueInspector: Sendable {
    public let keys: QueueKeys
    public let group: String
    private let redis: RedisClient
    private let clock: any WallClock

    public init(redis: RedisClient, queue: String, group: String = "buraq", clock: any WallClock = SystemWallClock()) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
        self.group = group
        self.clock = clock
    }

    /// One round trip: XINFO GROUPS, XLEN, ZCARD, XLEN (dlq), XPENDING summary, ZCOUNT.
    /// - Throws: ``QueueError`` `.wrongType` naming the key when a key holds another type, `.redis` otherwise.
    public func stats() async throws(QueueError) -> QueueStats {
        let now = clock.nowMilliseconds()
        let replies: [Reply]
        do { replies = try await Self.read([self], redis: redis, now: now) } catch { throw QueueError(error, key: keys.stream) }
        return try stats(from: replies[...], now: now)
    }

    /// The stats of many queues on one Redis in one round trip (the controller polls hundreds of
    /// queues a second on one server). Each inspector's result is its own: one queue's wrong key
    /// type does not fail the others; a connection failure fails them all.
    public static func stats(of inspectors: [QueueInspector], redis: RedisClient, clock: any WallClock = SystemWallClock())
        async throws(QueueError) -> [Result<QueueStats, QueueError>]
    {
        let now = clock.nowMilliseconds()
        let replies: [Reply]
        do { replies = try await read(inspectors, redis: redis, now: now) } catch { throw QueueError(error) }
        return inspectors.enumerated().map { index, inspector in
            let slice = replies[(index * commandCount)..<((index + 1) * commandCount)]
            return Result { () throws(QueueError) in try inspector.stats(from: slice, now: now) }
        }
    }

    static let commandCount = Command.allCases.count

    /// The commands of one read, in pipeline order.
    enum Command: Int, CaseIterable {
        case groups, length, scheduled, deadLetters, pendingSummary, scheduledDue

        var name: String {
            switch self {
            case .groups: "XINFO"
            case .length, .deadLetters: "XLEN"
            case .scheduled: "ZCARD"
            case .pendingSummary: "XPENDING"
            case .scheduledDue: "ZCOUNT"
            }
        }

        /// What follows the queue name in the command's key (see ``QueueKeys``).
        var keyTail: String {
            switch self {
            case .groups, .length, .pendingSummary: QueueKeys.streamTail
            case .scheduled, .scheduledDue: QueueKeys.scheduledTail
            case .deadLetters: QueueKeys.deadLetterTail
            }
        }

        /// The command's key for the queue.
        func key(_ keys: QueueKeys) -> String { QueueKeys.head + keys.queue + keyTail }
    }

    /// What a read keeps of one reply.
    enum Reply: Sendable, Equatable {
        case error(String)
        /// XLEN, ZCARD, ZCOUNT.
        case count(Int64?)
        /// XINFO GROUPS: the inspector's group, or nil when the stream has no such group.
        case group(Group?)
        /// XPENDING summary: the milliseconds part of the oldest pending id, nil when none is pending.
        case oldestPending(Int64?)
    }

    /// The inspector's entry of `XINFO GROUPS`.
    struct Group: Sendable, Equatable {
        var pending: Int64
        /// `lag`: `.unknown` when Redis sent nil (entries deleted from the undelivered range),
        /// `.absent` before Redis 7, which has no such field.
        var lag: Lag

        enum Lag: Sendable, Equatable {
            case value(Int64)
            case unknown
            case absent
        }
    }

    /// Sends the inspectors' commands in one pipeline and decodes every reply on the connection's thread.
    private static func read(_ inspectors: [QueueInspector], redis: RedisClient, now: Int64) async throws(RedisError) -> [Reply] {
        var pipeline = EncodedPipeline(reservingCapacity: inspectors.count * (300 + 6 * (inspectors.first?.keys.queue.utf8.count ?? 0)))
        for inspector in inspectors { inspector.encode(into: &pipeline, now: now) }
        let groups = inspectors.map(\.group)
        return try await redis.pipeline(pipeline) { index, view in
            decode(Command(rawValue: index % commandCount)!, view, group: groups[index / commandCount])
        }
    }

    /// Appends the read's commands, in ``Command`` order: `XINFO GROUPS key`, `XLEN key`,
    /// `ZCARD key`, `XLEN key`, `XPENDING key group`, `ZCOUNT key -inf now`.
    func encode(into pipeline: inout EncodedPipeline, now: Int64) {
        for command in Command.allCases {
            switch command {
            case .groups:
                pipeline.beginCommand(command.name, argumentCount: 3)
                pipeline.append("GROUPS")
                pipeline.append(QueueKeys.head, keys.queue, command.keyTail)
            case .length, .scheduled, .deadLetters:
                pipeline.beginCommand(command.name, argumentCount: 2)
                pipeline.append(QueueKeys.head, keys.queue, command.keyTail)
            case .pendingSummary:
                pipeline.beginCommand(command.name, argumentCount: 3)
                pipeline.append(QueueKeys.head, keys.queue, command.keyTail)
                pipeline.append(group)
            case .scheduledDue:
                pipeline.beginCommand(command.name, argumentCount: 4)
                pipeline.append(QueueKeys.head, keys.queue, command.keyTail)
                pipeline.append("-inf")
                pipeline.append(now)
            }
        }
    }

    /// Keeps the figures of one reply: no copy of anything else.
    static func decode(_ command: Command, _ view: RESPReplyView, group: String) -> Reply {
        if let message = view.errorMessage { return .error(message) }
        switch command {
        case .groups:
            for index in 0..<view.count {
                if let entry = groupEntry(view[index], named: group) { return .group(entry) }
            }
            return .group(nil)
        case .pendingSummary:
            guard view.count >= 2, let smallest = view[1].bytes else { return .oldestPending(nil) }
            return .oldestPending(millisecondsOfStreamID(smallest))
        case .length, .scheduled, .deadLetters, .scheduledDue:
            return .count(view.integer)
        }
    }

    private static let nameField = "name"
    private static let pendingField = "pending"
    private static let lagField = "lag"

    /// One `XINFO GROUPS` entry (field, value, field, value...) if it describes `name`.
    private static func groupEntry(_ entry: RESPReplyView, named name: String) -> Group? {
        var matches = false
        var group = Group(pending: 0, lag: .absent)
        var index = 0
        while index + 1 < entry.count {
            let field = entry[index]
            let value = entry[index + 1]
            if field.holds(nameField) {
                matches = value.holds(name)
            } else if field.holds(pendingField) {
                group.pending = value.integer ?? 0
            } else if field.holds(lagField) {
                group.lag = value.kind == .null ? .unknown : value.integer.map(Group.Lag.value) ?? .unknown
            }
            index += 2
        }
        return matches ? group : nil
    }

    /// The milliseconds before the `-` of a stream id such as `1700000000000-3`.
    static func millisecondsOfStreamID(_ id: UnsafeRawBufferPointer) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        for byte in id {
            if byte == UInt8(ascii: "-") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The figures from this inspector's replies, or the first error that is not an absent key or group.
    func stats(from replies: ArraySlice<Reply>, now: Int64) throws(QueueError) -> QueueStats {
        var stats = QueueStats()
        stats.groupExists = false
        var group: Group?
        var oldestPending: Int64?
        for (offset, reply) in zip(0..., replies) {
            let command = Command(rawValue: offset)!
            switch reply {
            case .error(let message):
                // A missing stream or group is an empty queue, not an error.
                if message.hasPrefix("ERR no such key") || message.hasPrefix("NOGROUP") { continue }
                throw QueueError(RedisError(code: .server, message: message, context: ["command": command.name]), key: command.key(keys))
            case .count(let value):
                switch command {
                case .length: stats.length = value ?? 0
                case .scheduled: stats.scheduled = value ?? 0
                case .deadLetters: stats.deadLetters = value ?? 0
                case .scheduledDue: stats.scheduledDue = value ?? 0
                case .groups, .pendingSummary: break
                }
            case .group(let entry):
                group = entry
            case .oldestPending(let milliseconds):
                oldestPending = milliseconds
            }
        }
        stats.lag = stats.length
        if let group {
            stats.groupExists = true
            stats.pending = group.pending
            switch group.lag {
            case .value(let lag): stats.lag = lag
            case .unknown: stats.lag = nil
            case .absent: break
            }
        }
        if let oldestPending { stats.oldestPendingAgeMilliseconds = max(0, now - oldestPending) }
        return stats
    }
}
