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
    ///
    /// Commands are encoded straight into one RESP buffer per chunk of ``maxPipeline`` tasks.
    @discardableResult
    public func enqueue(_ requests: [TaskRequest]) async throws(QueueError) -> [String] {
        let now = clock.nowMilliseconds()
        var ids: [String] = []
        ids.reserveCapacity(requests.count)
        var pipeline = EncodedPipeline(reservingCapacity: Self.estimatedSize(requests.prefix(maxPipeline)))
        var scheduled: [Int: Int] = [:]  // command index in the chunk → index in `requests`, for NOSCRIPT resends
        var scheduleSHA: String?
        for (index, request) in requests.enumerated() {
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
            if let due = Self.dueTime(of: request.schedule, now: now) {
                if scheduleSHA == nil { scheduleSHA = try await loadScheduleScript() }
                scheduled[pipeline.count] = index
                appendSchedule(task, due: due, scriptSHA: scheduleSHA!, to: &pipeline)
            } else {
                pipeline.beginCommand("XADD", argumentCount: 3 + WireFormat.fieldWordCount(of: task))
                pipeline.append(keys.stream(priority: request.priority)); pipeline.append("*")
                WireFormat.append(fieldsOf: task, to: &pipeline)
            }
            if pipeline.count >= maxPipeline {
                try await flush(pipeline, scheduled: scheduled, requests: requests, ids: ids, now: now)
                pipeline = EncodedPipeline(reservingCapacity: pipeline.bytes.count)
                scheduled.removeAll(keepingCapacity: true)
            }
        }
        try await flush(pipeline, scheduled: scheduled, requests: requests, ids: ids, now: now)
        return ids
    }

    /// The schedule script call for a delayed task: ZADD to the scheduled set and HSET of its fields.
    private func appendSchedule(_ task: BuraqTask, due: Int64, scriptSHA: String, to pipeline: inout EncodedPipeline) {
        pipeline.beginCommand("EVALSHA", argumentCount: 7 + WireFormat.fieldWordCount(of: task))
        pipeline.append(scriptSHA); pipeline.append("2")
        pipeline.append(keys.scheduled); pipeline.append(keys.scheduledTask(task.id))
        pipeline.append(due); pipeline.append(task.id)
        WireFormat.append(fieldsOf: task, to: &pipeline)
    }

    private static func dueTime(of schedule: TaskRequest.Schedule, now: Int64) -> Int64? {
        switch schedule {
        case .now: return nil
        case .after(let delay):
            let ms = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
            return ms > 0 ? now + ms : nil
        case .at(let time): return time > now ? time : nil
        }
    }

    private static func estimatedSize(_ requests: ArraySlice<TaskRequest>) -> Int {
        requests.reduce(0) { $0 + 200 + $1.payload.count + $1.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 20 } }
    }

    private func loadScheduleScript() async throws(QueueError) -> String {
        do {
            return try await redis.evalCommand(QueueScripts.schedule, keys: [], arguments: []).arguments[1]
                .withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        } catch { throw QueueError(error) }
    }

    /// Sends one chunk; on NOSCRIPT (Redis lost its script cache: restart, SCRIPT FLUSH) loads the
    /// schedule script again and resends only the delayed tasks that failed with it.
    private func flush(_ pipeline: EncodedPipeline, scheduled: [Int: Int], requests: [TaskRequest], ids: [String],
                       now: Int64) async throws(QueueError) {
        guard pipeline.count > 0 else { return }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(pipeline) } catch { throw QueueError(error, key: keys.stream) }
        var retry: [Int] = []
        for (position, reply) in replies.enumerated() {
            guard let message = reply.errorMessage else { continue }
            if message.hasPrefix("NOSCRIPT"), let index = scheduled[position] {
                retry.append(index)
                continue
            }
            let command = scheduled[position] == nil ? "XADD" : "EVALSHA"
            throw QueueError(RedisError(code: .server, message: message, context: ["command": command]), key: keys.stream)
        }
        guard !retry.isEmpty else { return }
        redis.forgetScript(QueueScripts.schedule)
        let sha = try await loadScheduleScript()
        var again = EncodedPipeline()
        for index in retry {
            let request = requests[index]
            let task = BuraqTask(id: ids[index], type: request.type, payload: request.payload, attempt: 0, enqueuedAt: now,
                                 headers: request.headers, deadline: request.deadline, priority: request.priority)
            appendSchedule(task, due: Self.dueTime(of: request.schedule, now: now) ?? now, scriptSHA: sha, to: &again)
        }
        let replies2: [RESPValue]
        do { replies2 = try await redis.pipeline(again) } catch { throw QueueError(error, key: keys.scheduled) }
        if let message = replies2.lazy.compactMap(\.errorMessage).first {
            throw QueueError(RedisError(code: .server, message: message, context: ["command": "EVALSHA"]), key: keys.scheduled)
        }
    }
}
