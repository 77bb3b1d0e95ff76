import BuraqRedis

/// Enqueues tasks onto one queue.
///
/// Immediate tasks are appended to the stream (`XADD`); delayed ones are stored in the scheduled
/// set, and a worker moves them to the stream when due. A batch goes to Redis in one pipelined
/// round trip (split into chunks of ``maxPipeline`` commands).
public struct Producer: Sendable {
    public let keys: QueueKeys
    private let redis: RedisClient
    private let clock: any WallClock
    /// Most commands sent in one round trip.
    public var maxPipeline = 2000

    public init(redis: RedisClient, queue: String, clock: any WallClock = SystemWallClock()) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
        self.clock = clock
    }

    /// Enqueues one task and returns its id.
    @discardableResult
    public func enqueue(_ request: TaskRequest) async throws(QueueError) -> String {
        try await enqueue([request])[0]
    }

    /// Enqueues one task of `type` with a raw payload; returns its id.
    @discardableResult
    public func enqueue(type: String, payload: [UInt8] = [], id: String? = nil, headers: [String: String] = [:],
                        delay: Duration? = nil) async throws(QueueError) -> String {
        try await enqueue(TaskRequest(type: type, payload: payload, id: id, headers: headers,
                                      schedule: delay.map { .after($0) } ?? .now))
    }

    /// Enqueues many tasks in as few round trips as possible; returns their ids in order.
    @discardableResult
    public func enqueue(_ requests: [TaskRequest]) async throws(QueueError) -> [String] {
        let now = clock.nowMilliseconds()
        var ids: [String] = []
        ids.reserveCapacity(requests.count)
        var commands: [RedisCommand] = []
        commands.reserveCapacity(min(requests.count, maxPipeline))
        var scheduleSHA: String?
        for request in requests {
            guard !request.type.isEmpty else {
                throw QueueError(code: .invalidArgument, message: "Task type must not be empty")
            }
            let id = request.id ?? TaskID.generate()
            guard !id.isEmpty, !id.utf8.contains(where: { $0 <= 32 }) else {
                throw QueueError(code: .invalidArgument, message: "Task id '\(id)' must be non-empty and contain no spaces or control characters")
            }
            ids.append(id)
            if let level = request.priority {
                guard !level.isEmpty, level.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw QueueError(code: .invalidArgument, message: "Priority '\(level)' must be letters, digits, '-' or '_'")
                }
            }
            let task = BuraqTask(id: id, type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                 headers: request.headers, deadline: request.deadline, priority: request.priority)
            let fields = WireFormat.fields(of: task)
            let due: Int64?
            switch request.schedule {
            case .now: due = nil
            case .after(let delay):
                let ms = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
                due = ms > 0 ? now + ms : nil
            case .at(let time): due = time > now ? time : nil
            }
            if let due {
                if scheduleSHA == nil {
                    do {
                        scheduleSHA = try await redis.evalCommand(QueueScripts.schedule, keys: [], arguments: []).arguments[1]
                            .withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
                    } catch { throw QueueError(error) }
                }
                var command = RedisCommand("EVALSHA", scheduleSHA!, 2, keys.scheduled, keys.scheduledTask(id), due, id)
                command.arguments.append(contentsOf: fields)
                commands.append(command)
            } else {
                var command = RedisCommand("XADD", keys.stream(priority: request.priority), "*")
                command.arguments.append(contentsOf: fields)
                commands.append(command)
            }
            if commands.count >= maxPipeline {
                try await flush(commands)
                commands.removeAll(keepingCapacity: true)
            }
        }
        try await flush(commands)
        return ids
    }

    private func flush(_ commands: [RedisCommand]) async throws(QueueError) {
        guard !commands.isEmpty else { return }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands) } catch { throw QueueError(error, key: keys.stream) }
        var retry: [RedisCommand] = []
        for (command, reply) in zip(commands, replies) {
            guard let message = reply.errorMessage else { continue }
            if message.hasPrefix("NOSCRIPT") {
                retry.append(command)
                continue
            }
            throw QueueError(RedisError(code: .server, message: message, context: ["command": command.name]), key: keys.stream)
        }
        if !retry.isEmpty {
            // Redis lost its script cache (restart, SCRIPT FLUSH): load again and resend those commands.
            redis.forgetScript(QueueScripts.schedule)
            let fresh: RedisCommand
            do { fresh = try await redis.evalCommand(QueueScripts.schedule, keys: [], arguments: []) } catch { throw QueueError(error) }
            let sha = fresh.arguments[1]
            let resent = retry.map { command -> RedisCommand in
                var c = command
                c.arguments[1] = sha
                return c
            }
            let again: [RESPValue]
            do { again = try await redis.pipeline(resent) } catch { throw QueueError(error, key: keys.scheduled) }
            if let message = again.lazy.compactMap(\.errorMessage).first {
                throw QueueError(RedisError(code: .server, message: message, context: ["command": "EVALSHA"]), key: keys.scheduled)
            }
        }
    }
}
