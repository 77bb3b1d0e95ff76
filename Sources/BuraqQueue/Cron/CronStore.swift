import BuraqRedis
import FoundationEssentials

/// Reads and writes a queue's cron schedules (`buraq:{Q}:cron`) and enqueues their ticks.
public struct CronStore: Sendable {
    public let keys: QueueKeys
    private let redis: RedisClient

    public init(redis: RedisClient, queue: String) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
    }

    /// Adds a schedule after validating it.
    /// - Parameter replace: overwrite a schedule of the same name (its last-run mark is kept, so
    ///   a tick that already ran does not run again).
    /// - Returns: false when a schedule of that name exists and `replace` is false (nothing changed).
    @discardableResult
    public func add(_ schedule: CronSchedule, replace: Bool = false) async throws(QueueError) -> Bool {
        try schedule.validate()
        let json: String
        do { json = String(decoding: try JSONEncoder.sorted.encode(schedule), as: UTF8.self) } catch {
            throw QueueError(code: .invalidArgument, message: "Cannot encode schedule '\(schedule.name)': \(error)")
        }
        do {
            let reply = try await redis.send(RedisCommand(replace ? "HSET" : "HSETNX", keys.cron, schedule.name, json))
            return replace || reply.int == 1
        } catch { throw QueueError(error, key: keys.cron) }
    }

    /// Removes a schedule and its last-run mark; false when there was none of that name.
    @discardableResult
    public func remove(_ name: String) async throws(QueueError) -> Bool {
        let replies: [RESPValue]
        do { replies = try await redis.pipeline([RedisCommand("HDEL", keys.cron, name), RedisCommand("HDEL", keys.cronLastRun, name)]) } catch {
            throw QueueError(error, key: keys.cron)
        }
        if let message = replies.lazy.compactMap(\.errorMessage).first {
            throw QueueError(RedisError(code: .server, message: message, context: ["command": "HDEL"]), key: keys.cron)
        }
        return replies[0].int == 1
    }

    /// Every schedule, by name, and the last tick enqueued for each (ms since the epoch).
    /// Entries that cannot be read are returned in `problems` (name → why) instead of failing all.
    public func list() async throws(QueueError) -> (schedules: [CronSchedule], lastRuns: [String: Int64], problems: [String: String]) {
        let replies: [RESPValue]
        do { replies = try await redis.pipeline([RedisCommand("HGETALL", keys.cron), RedisCommand("HGETALL", keys.cronLastRun)]) } catch {
            throw QueueError(error, key: keys.cron)
        }
        for (reply, key) in zip(replies, [keys.cron, keys.cronLastRun]) {
            if let message = reply.errorMessage {
                throw QueueError(RedisError(code: .server, message: message, context: ["command": "HGETALL"]), key: key)
            }
        }
        var schedules: [CronSchedule] = []
        var problems: [String: String] = [:]
        for (name, value) in Self.pairs(replies[0]) {
            do {
                let schedule = try JSONDecoder().decode(CronSchedule.self, from: Data(value.utf8))
                schedules.append(schedule)
            } catch {
                problems[name] = "not a schedule definition: \(error)"
            }
        }
        var lastRuns: [String: Int64] = [:]
        for (name, value) in Self.pairs(replies[1]) { lastRuns[name] = Int64(value) }
        return (schedules.sorted { $0.name < $1.name }, lastRuns, problems)
    }

    /// Enqueues the run of `schedule` at `tick` unless some worker already did (atomic).
    /// - Returns: true when this call enqueued it.
    public func fire(_ schedule: CronSchedule, tick: Int64, now: Int64) async throws(QueueError) -> Bool {
        let task = BuraqTask(id: schedule.taskID(tick: tick), type: schedule.type, payload: schedule.payload, enqueuedAt: now,
                             headers: ["cron": schedule.name, "cron-tick": "\(tick)"], priority: schedule.priority)
        var arguments: [any RedisArgumentConvertible] = [schedule.name, tick]
        arguments.append(contentsOf: WireFormat.fields(of: task) as [any RedisArgumentConvertible])
        do {
            return try await redis.run(QueueScripts.cronFire, keys: [keys.cron, keys.cronLastRun, keys.stream(priority: schedule.priority)],
                                       arguments: arguments).int == 1
        } catch { throw QueueError(error, key: keys.cron) }
    }

    private static func pairs(_ reply: RESPValue) -> [(String, String)] {
        let items = reply.array ?? []
        var out: [(String, String)] = []
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string { out.append((k, v)) }
            i += 2
        }
        return out
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
