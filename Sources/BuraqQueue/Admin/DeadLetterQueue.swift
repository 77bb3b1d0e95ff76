import BuraqRedis

/// Reads and manages a queue's dead-letter stream (`buraq:{Q}:dlq`): list, find, requeue, delete.
public struct DeadLetterQueue: Sendable {
    public let keys: QueueKeys
    private let redis: RedisClient

    public init(redis: RedisClient, queue: String) throws(QueueError) {
        self.redis = redis
        self.keys = try QueueKeys(queue: queue)
    }

    /// Entries in the dead-letter stream.
    public func count() async throws(QueueError) -> Int64 {
        try await send(RedisCommand("XLEN", keys.deadLetter)).int ?? 0
    }

    /// Up to `limit` entries matching `filter`, oldest first.
    public func list(_ filter: DeadLetterFilter = DeadLetterFilter(), limit: Int = .max) async throws(QueueError) -> [DeadLetter] {
        var out: [DeadLetter] = []
        var start = "-"
        while out.count < limit {
            let page = try await send(RedisCommand("XRANGE", keys.deadLetter, start, "+", "COUNT", 500)).array ?? []
            let letters = page.compactMap(DeadLetter.init(item:))
            for letter in letters where filter.matches(letter) && out.count < limit { out.append(letter) }
            guard page.count == 500, let last = letters.last else { break }
            start = "(" + last.entryID
        }
        return out
    }

    /// The entry with stream id `id` (e.g. `1764780000000-0`), else the newest whose task id is `id`.
    public func find(_ id: String) async throws(QueueError) -> DeadLetter? {
        if Self.isEntryID(id) {
            let reply = try await send(RedisCommand("XRANGE", keys.deadLetter, id, id))
            if let letter = reply.array?.first.flatMap(DeadLetter.init(item:)) { return letter }
        }
        return try await list().last { $0.taskID == id }
    }

    /// Moves entries back to the task stream as fresh tasks (`attempt` 0, their priority level),
    /// atomically per entry. Returns how many moved (ids no longer present are skipped).
    @discardableResult
    public func requeue(_ entryIDs: [String]) async throws(QueueError) -> Int {
        var moved = 0
        for chunk in stride(from: 0, to: entryIDs.count, by: 200).map({ Array(entryIDs[$0..<min($0 + 200, entryIDs.count)]) }) {
            do {
                moved += Int(try await redis.run(QueueScripts.requeueDead, keys: [keys.deadLetter, keys.stream],
                                                 arguments: chunk.map { $0 as any RedisArgumentConvertible }).int ?? 0)
            } catch { throw QueueError(error, key: keys.deadLetter) }
        }
        return moved
    }

    /// Deletes entries. Returns how many existed.
    @discardableResult
    public func delete(_ entryIDs: [String]) async throws(QueueError) -> Int {
        var deleted = 0
        for chunk in stride(from: 0, to: entryIDs.count, by: 500).map({ Array(entryIDs[$0..<min($0 + 500, entryIDs.count)]) }) {
            var command = RedisCommand("XDEL", keys.deadLetter)
            for id in chunk { command.append(argument: id) }
            deleted += Int(try await send(command).int ?? 0)
        }
        return deleted
    }

    /// Deletes every entry. Returns how many there were.
    @discardableResult
    public func purge() async throws(QueueError) -> Int {
        let replies: [RESPValue]
        do { replies = try await redis.pipeline([RedisCommand("XLEN", keys.deadLetter), RedisCommand("DEL", keys.deadLetter)]) } catch {
            throw QueueError(error, key: keys.deadLetter)
        }
        if let message = replies.lazy.compactMap(\.errorMessage).first {
            throw QueueError(RedisError(code: .server, message: message, context: ["command": "XLEN"]), key: keys.deadLetter)
        }
        return Int(replies[0].int ?? 0)
    }

    /// True for `<ms>-<seq>` stream ids.
    static func isEntryID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    private func send(_ command: RedisCommand) async throws(QueueError) -> RESPValue {
        do { return try await redis.send(command) } catch { throw QueueError(error, key: keys.deadLetter) }
    }
}
