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
    ///
    /// Commands are encoded straight into one RESP buffer per chunk of ``maxPipeline`` requests
    /// (no array per field): this is the path that sets batched enqueue throughput.
    public func submit(_ requests: [TaskRequest]) async throws(QueueError) -> [EnqueueResult] {
        let now = clock.nowMilliseconds()
        var results: [EnqueueResult] = []
        results.reserveCapacity(requests.count)
        var chunk = Chunk(capacity: Self.estimatedSize(requests.prefix(maxPipeline)))
        var shas: [String: String] = [:]
        for (index, request) in requests.enumerated() {
            let id = request.id ?? TaskID.generate()
            try Self.validate(request, id: id)
            results.append(EnqueueResult(id: id, isDuplicate: false))
            let task = BuraqTask(id: id, type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                 headers: request.headers, deadline: request.deadline, priority: request.priority)
            let due = Self.dueTime(of: request.schedule, now: now)
            if let script = Self.script(for: request, due: due) {
                chunk.scripted[chunk.pipeline.count] = (script, index)
                append(task, request: request, due: due, script: script, sha: try await sha(of: script, &shas), to: &chunk.pipeline)
            } else {
                append(task, request: request, due: nil, script: nil, sha: "", to: &chunk.pipeline)
            }
            if chunk.pipeline.count >= maxPipeline {
                try await flush(chunk, requests: requests, now: now, into: &results)
                chunk = Chunk(capacity: chunk.pipeline.bytes.count)
            }
        }
        try await flush(chunk, requests: requests, now: now, into: &results)
        return results
    }

    /// Like ``submit(_:)`` for tasks that need no script (no delay, no idempotency key) and fit in
    /// one round trip, without a task: `completion` runs on the Redis client's thread. Returns
    /// false, calling nothing, when a request needs a script or there are more than
    /// ``maxPipeline``: use ``submit(_:)`` for those.
    public func submit(_ requests: [TaskRequest], completion: @escaping @Sendable (Result<[EnqueueResult], QueueError>) -> Void) -> Bool {
        let now = clock.nowMilliseconds()
        guard requests.count <= maxPipeline,
              requests.allSatisfy({ Self.script(for: $0, due: Self.dueTime(of: $0.schedule, now: now)) == nil }) else { return false }
        var pipeline = EncodedPipeline(reservingCapacity: Self.estimatedSize(requests[...]))
        var results: [EnqueueResult] = []
        results.reserveCapacity(requests.count)
        do throws(QueueError) {
            for request in requests {
                let id = request.id ?? TaskID.generate()
                try Self.validate(request, id: id)
                results.append(EnqueueResult(id: id, isDuplicate: false))
                let task = BuraqTask(id: id, type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                     headers: request.headers, deadline: request.deadline, priority: request.priority)
                append(task, request: request, due: nil, script: nil, sha: "", to: &pipeline)
            }
        } catch {
            completion(.failure(error))
            return true
        }
        let keys = self.keys
        let accepted = results
        redis.pipeline(pipeline) { reply in
            switch reply {
            case .failure(let error): completion(.failure(QueueError(error, key: keys.stream)))
            case .success(let replies):
                if let message = replies.lazy.compactMap(\.errorMessage).first {
                    completion(.failure(QueueError(RedisError(code: .server, message: message, context: ["command": "XADD"]), key: keys.stream)))
                } else {
                    completion(.success(accepted))
                }
            }
        }
        return true
    }

    /// One round trip's worth of commands, and which of them run a script (for NOSCRIPT resends
    /// and for reading idempotent replies): position in the pipeline → (script, request index).
    private struct Chunk {
        var pipeline: EncodedPipeline
        var scripted: [Int: (RedisScript, Int)] = [:]
        init(capacity: Int) { pipeline = EncodedPipeline(reservingCapacity: capacity) }
    }

    /// The script a request needs, or nil for a plain XADD.
    private static func script(for request: TaskRequest, due: Int64?) -> RedisScript? {
        if request.idempotencyKey != nil { return QueueScripts.enqueueOnce }
        return due == nil ? nil : QueueScripts.schedule
    }

    /// Encodes one request: XADD, the schedule script (delayed) or the enqueue-once script (idempotency key).
    private func append(_ task: BuraqTask, request: TaskRequest, due: Int64?, script: RedisScript?, sha: String,
                        to pipeline: inout EncodedPipeline) {
        let fieldWords = WireFormat.fieldWordCount(of: task)
        let stream = keys.stream(priority: request.priority)
        if let key = request.idempotencyKey {
            pipeline.beginCommand("EVALSHA", argumentCount: 10 + fieldWords)
            pipeline.append(sha); pipeline.append("4")
            pipeline.append(keys.idempotency(key)); pipeline.append(stream)
            pipeline.append(keys.scheduled); pipeline.append(keys.scheduledTask(task.id))
            pipeline.append(max(1, milliseconds(request.idempotencyTTL))); pipeline.append(task.id); pipeline.append(due ?? 0)
        } else if let due, script != nil {
            pipeline.beginCommand("EVALSHA", argumentCount: 7 + fieldWords)
            pipeline.append(sha); pipeline.append("2")
            pipeline.append(keys.scheduled); pipeline.append(keys.scheduledTask(task.id))
            pipeline.append(due); pipeline.append(task.id)
        } else {
            pipeline.beginCommand("XADD", argumentCount: 3 + fieldWords)
            pipeline.append(stream); pipeline.append("*")
        }
        WireFormat.append(fieldsOf: task, to: &pipeline)
    }

    private static func dueTime(of schedule: TaskRequest.Schedule, now: Int64) -> Int64? {
        switch schedule {
        case .now: return nil
        case .after(let delay):
            let ms = milliseconds(delay)
            return ms > 0 ? now + ms : nil
        case .at(let time): return time > now ? time : nil
        }
    }

    private static func estimatedSize(_ requests: ArraySlice<TaskRequest>) -> Int {
        requests.reduce(0) { $0 + 200 + $1.payload.count + $1.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 20 } }
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

    /// Sends one chunk. On NOSCRIPT (Redis lost its script cache: restart, SCRIPT FLUSH) loads the
    /// scripts again and resends only the commands that failed with it.
    private func flush(_ chunk: Chunk, requests: [TaskRequest], now: Int64, into results: inout [EnqueueResult]) async throws(QueueError) {
        guard chunk.pipeline.count > 0 else { return }
        var replies: [RESPValue]
        do { replies = try await redis.pipeline(chunk.pipeline) } catch { throw QueueError(error, key: keys.stream) }
        let lost = replies.indices.filter { replies[$0].errorMessage?.hasPrefix("NOSCRIPT") == true && chunk.scripted[$0] != nil }
        if !lost.isEmpty {
            var shas: [String: String] = [:]
            for position in lost { redis.forgetScript(chunk.scripted[position]!.0) }
            var again = EncodedPipeline()
            for position in lost {
                let (script, index) = chunk.scripted[position]!
                let request = requests[index]
                let task = BuraqTask(id: results[index].id, type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                     headers: request.headers, deadline: request.deadline, priority: request.priority)
                append(task, request: request, due: Self.dueTime(of: request.schedule, now: now), script: script,
                       sha: try await sha(of: script, &shas), to: &again)
            }
            let resent: [RESPValue]
            do { resent = try await redis.pipeline(again) } catch { throw QueueError(error, key: keys.scheduled) }
            for (position, reply) in zip(lost, resent) { replies[position] = reply }
        }
        for (position, reply) in replies.enumerated() {
            let scripted = chunk.scripted[position]
            if let message = reply.errorMessage {
                let command = scripted == nil ? "XADD" : "EVALSHA \(scripted!.0.name)"
                throw QueueError(RedisError(code: .server, message: message, context: ["command": command]), key: keys.stream)
            }
            if let (script, index) = scripted, script == QueueScripts.enqueueOnce,
               let pair = reply.array, pair.count == 2, let id = pair[0].string {
                results[index] = EnqueueResult(id: id, isDuplicate: pair[1].int == 0)
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
