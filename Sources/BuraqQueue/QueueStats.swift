import BuraqRedis

/// A snapshot of one queue's depth, read in one pipelined round trip.
public struct QueueStats: Sendable, Hashable, Codable {
    /// Entries in the stream (XLEN), delivered or not.
    public var length: Int64
    /// Entries not yet delivered to the consumer group. Nil when Redis cannot tell (entries were
    /// deleted from the undelivered range); callers must not read nil as zero.
    public var lag: Int64?
    /// Entries delivered and not yet acknowledged (in flight, or left by a crashed worker).
    public var pending: Int64
    /// Tasks waiting in the scheduled set (delayed tasks and retries).
    public var scheduled: Int64
    /// Scheduled tasks already due (about to move to the stream).
    public var scheduledDue: Int64
    /// Entries in the dead-letter stream.
    public var deadLetters: Int64
    /// False when the consumer group does not exist yet (no worker has started).
    public var groupExists: Bool
    /// Age in milliseconds of the oldest pending entry, from its stream id; nil when none is pending.
    public var oldestPendingAgeMilliseconds: Int64?

    /// `lag + pending`: work not finished. Nil when lag is unknown.
    public var backlog: Int64? { lag.map { $0 + pending } }

    public init(length: Int64 = 0, lag: Int64? = 0, pending: Int64 = 0, scheduled: Int64 = 0, scheduledDue: Int64 = 0,
                deadLetters: Int64 = 0, groupExists: Bool = true, oldestPendingAgeMilliseconds: Int64? = nil) {
        self.length = length
        self.lag = lag
        self.pending = pending
        self.scheduled = scheduled
        self.scheduledDue = scheduledDue
        self.deadLetters = deadLetters
        self.groupExists = groupExists
        self.oldestPendingAgeMilliseconds = oldestPendingAgeMilliseconds
    }
}
