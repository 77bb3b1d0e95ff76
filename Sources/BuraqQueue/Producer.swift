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

    /// Enqueues many tasks in as few round trips as possible; returns their ids in order (for a
    /// request whose idempotency key was already taken, the first task's id).
    @discardableResult
    public func enqueue(_ requests: [TaskRequest]) async throws(QueueError) -> [String] {
        try await submit(requests).map(\.id)
    }

    /// Like ``enqueue(_:)-([TaskRequest])``, and tells for each request whether it was a
    /// duplicate: its idempotency key already named a task, so nothing was added.
    public func submit(_ requests: [TaskRequest]) async throws(QueueError) -> [EnqueueResult] {
        let now = clock.nowMilliseconds()
        var results: [EnqueueResult] = []
        results.reserveCapacity(requests.count)
        var batch: [Prepared] = []
        batch.reserveCapacity(min(requests.count, maxPipeline))
        var shas: [String: String] = [:]
        for request in requests {
            let id = request.id ?? TaskID.generate()
            try Self.validate(request, id: id)
            results.append(EnqueueResult(id: id, isDuplicate: false))
            let task = BuraqTask(id: id, type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                 headers: request.headers, deadline: request.deadline, priority: request.priority)
            let fields = WireFormat.fields(of: task)
            let due: Int64?
            switch request.schedule {
            case .now: due = nil
            case .after(let delay):
                let ms = milliseconds(delay)
                due = ms > 0 ? now + ms : nil
            case .at(let time): due = time > now ? time : nil
            }
            let stream = keys.stream(priority: request.priority)
            var prepared: Prepared
            if let key = request.idempotencyKey {
                let sha = try await sha(of: QueueScripts.enqueueOnce, &shas)
                var command = RedisCommand("EVALSHA", sha, 4, keys.idempotency(key), stream, keys.scheduled, keys.scheduledTask(id),
                                           max(1, milliseconds(request.idempotencyTTL)), id, due ?? 0)
                command.arguments.append(contentsOf: fields)
                prepared = Prepared(command: command, script: QueueScripts.enqueueOnce, index: results.count - 1)
            } else if let due {
                let sha = try await sha(of: QueueScripts.schedule, &shas)
                var command = RedisCommand("EVALSHA", sha, 2, keys.scheduled, keys.scheduledTask(id), due, id)
                command.arguments.append(contentsOf: fields)
                prepared = Prepared(command: command, script: QueueScripts.schedule, index: results.count - 1)
            } else {
                var command = RedisCommand("XADD", stream, "*")
                command.arguments.append(contentsOf: fields)
                prepared = Prepared(command: command, script: nil, index: results.count - 1)
            }
            batch.append(prepared)
            if batch.count >= maxPipeline {
                try await flush(batch, into: &results)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await flush(batch, into: &results)
        return results
    }

    /// One command of a batch, the script it runs (for NOSCRIPT) and the request it stands for.
    private struct Prepared {
        var command: RedisCommand
        var script: RedisScript?
        var index: Int
    }

    private static func validate(_ request: TaskRequest, id: String) throws(QueueError) {
        guard !request.type.isEmpty else {
            throw QueueError(code: .invalidArgument, message: "Task type must not be empty")
        }
        guard !id.isEmpty, !id.utf8.contains(where: { $0 <= 32 }) else {
            throw QueueError(code: .invalidArgument, message: "Task id '\(id)' must be non-empty and contain no spaces or control characters")
        }
        if let level = request.priority {
            guard !level.isEmpty, level.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw QueueError(code: .invalidArgument, message: "Priority '\(level)' must be letters, digits, '-' or '_'")
            }
        }
        if let key = request.idempotencyKey {
            guard !key.isEmpty, key.utf8.count <= 512 else {
                throw QueueError(code: .invalidArgument, message: "Idempotency key must be 1 to 512 bytes, got \(key.utf8.count)")
            }
            guard request.idempotencyTTL > .zero else {
                throw QueueError(code: .invalidArgument, message: "Idempotency TTL must be positive, got \(request.idempotencyTTL)",
                                 context: ["idempotencyKey": key])
            }
        }
    }

    private func sha(of script: RedisScript, _ cache: inout [String: String]) async throws(QueueError) -> String {
        if let sha = cache[script.name] { return sha }
        let sha: String
        do {
            sha = String(decoding: try await redis.evalCommand(script, keys: [], arguments: []).arguments[1], as: UTF8.self)
        } catch { throw QueueError(error) }
        cache[script.name] = sha
        return sha
    }

    private func flush(_ batch: [Prepared], into results: inout [EnqueueResult]) async throws(QueueError) {
        guard !batch.isEmpty else { return }
        var replies: [RESPValue]
        do { replies = try await redis.pipeline(batch.map(\.command)) } catch { throw QueueError(error, key: keys.stream) }
        let lost = zip(batch, replies).filter { $1.errorMessage?.hasPrefix("NOSCRIPT") == true }.map(\.0)
        if !lost.isEmpty {
            // Redis lost its script cache (restart, SCRIPT FLUSH): load again and resend those commands.
            let scripts = Dictionary(lost.compactMap { $0.script.map { ($0.name, $0) } }, uniquingKeysWith: { a, _ in a })
            var fresh: [String: [UInt8]] = [:]
            for (name, script) in scripts {
                redis.forgetScript(script)
                do { fresh[name] = try await redis.evalCommand(script, keys: [], arguments: []).arguments[1] } catch { throw QueueError(error) }
            }
            let resent = lost.map { p -> RedisCommand in
                var c = p.command
                if let name = p.script?.name, let sha = fresh[name] { c.arguments[1] = sha }
                return c
            }
            let again: [RESPValue]
            do { again = try await redis.pipeline(resent) } catch { throw QueueError(error, key: keys.scheduled) }
            var next = again.makeIterator()
            for i in replies.indices where replies[i].errorMessage?.hasPrefix("NOSCRIPT") == true {
                replies[i] = next.next() ?? .null
            }
        }
        for (p, reply) in zip(batch, replies) {
            if let message = reply.errorMessage {
                throw QueueError(RedisError(code: .server, message: message, context: ["command": p.command.name]), key: keys.stream)
            }
            if p.script == QueueScripts.enqueueOnce, let pair = reply.array, pair.count == 2, let id = pair[0].string {
                results[p.index] = EnqueueResult(id: id, isDuplicate: pair[1].int == 0)
            }
        }
    }
}

/// What happened to one enqueue request.
public struct EnqueueResult: Sendable, Hashable {
    /// The task id: the new task's, or for a duplicate the id its idempotency key already named.
    public var id: String
    /// True when the request's idempotency key was taken and nothing was added.
    public var isDuplicate: Bool

    public init(id: String, isDuplicate: Bool) {
        self.id = id
        self.isDuplicate = isDuplicate
    }
}
