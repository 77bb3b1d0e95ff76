import BuraqQueue
import BuraqRedis
import Synchronization

/// Refuses enqueues to a queue whose backlog (lag + pending, as `buraq stats` shows it) would
/// go over its maximum: the `maxBacklog` field of `buraq:{Q}:config` when present, else
/// ``defaultMaxBacklog`` (0: no maximum).
///
/// The backlog is read from Redis at most every ``refreshInterval`` per queue, in the background
/// once known, so the enqueue path does not wait for it; tasks this gateway accepted since the
/// last read are added to the figure read.
public final class BackpressureGate: Sendable {
    public let defaultMaxBacklog: Int64
    /// 0: read on every check (tests).
    public let refreshMilliseconds: Int64
    private let redis: RedisClient
    private let clock: any WallClock
    private let drainRate: @Sendable (String) -> Double?
    private let state = Mutex<[String: Entry]>([:])

    struct Entry {
        var backlog: Int64
        var maxBacklog: Int64
        var fetchedAt: Int64
        var acceptedSince: Int64 = 0
        var refreshing = false
    }

    /// - Parameter drainRate: tasks a second the queue's workers finish (for `Retry-After`), if known.
    public init(redis: RedisClient, defaultMaxBacklog: Int64, refreshMilliseconds: Int64 = 500, clock: any WallClock = SystemWallClock(),
                drainRate: @escaping @Sendable (String) -> Double? = { _ in nil }) {
        self.redis = redis
        self.defaultMaxBacklog = defaultMaxBacklog
        self.refreshMilliseconds = refreshMilliseconds
        self.clock = clock
        self.drainRate = drainRate
    }

    /// What ``admitKnown(queue:count:)`` decided.
    public enum Admission: Sendable {
        case admitted
        /// The 503 to answer.
        case refused(GatewayError)
    }

    /// Admits `count` tasks to `queue`, or returns the 503 to answer.
    public func admit(queue: String, count: Int) async -> GatewayError? {
        if let known = admitKnown(queue: queue, count: count) {
            if case .refused(let error) = known { return error }
            return nil
        }
        do { try await refresh(queue, now: clock.nowMilliseconds()) } catch { return GatewayError.queue(error) }
        if case .refused(let error) = decide(queue: queue, count: count) { return error }
        return nil
    }

    /// Decides at once from the backlog already read (starting a background read when it is
    /// stale); nil when the queue's backlog has not been read yet (then use ``admit(queue:count:)``).
    public func admitKnown(queue: String, count: Int) -> Admission? {
        let now = clock.nowMilliseconds()
        enum Step { case fetch, fetchInBackground, decide }
        let step = state.withLock { table -> Step in
            guard var entry = table[queue], refreshMilliseconds > 0 else { return .fetch }
            if now - entry.fetchedAt >= refreshMilliseconds && !entry.refreshing {
                entry.refreshing = true
                table[queue] = entry
                return .fetchInBackground
            }
            return .decide
        }
        switch step {
        case .fetch: return nil
        case .fetchInBackground: Task { try? await self.refresh(queue, now: now) }
        case .decide: break
        }
        return decide(queue: queue, count: count)
    }

    private func decide(queue: String, count: Int) -> Admission {
        state.withLock { table -> Admission in
            guard var entry = table[queue] else { return .admitted }
            let estimated = entry.backlog + entry.acceptedSince
            if entry.maxBacklog > 0 && estimated + Int64(count) > entry.maxBacklog {
                let excess = Double(estimated + Int64(count) - entry.maxBacklog)
                let wait = drainRate(queue).flatMap { $0 > 0 ? excess / $0 : nil } ?? 1
                return .refused(GatewayError(status: 503, code: "backlogFull",
                                             message: "Queue '\(queue)' has a backlog of \(estimated) tasks; its maximum is \(entry.maxBacklog)",
                                             retryAfterSeconds: max(1, min(60, Int(wait.rounded(.up))))))
            }
            entry.acceptedSince += Int64(count)
            table[queue] = entry
            return .admitted
        }
    }

    /// The maximum backlog that applies to `queue` as last read (nil before the first read).
    public func maxBacklog(of queue: String) -> Int64? { state.withLock { $0[queue]?.maxBacklog } }

    private func refresh(_ queue: String, now: Int64) async throws(QueueError) {
        do throws(QueueError) {
            let keys = try QueueKeys(queue: queue)
            let configured: Int64?
            do { configured = try await redis.send(RedisCommand("HGET", keys.config, "maxBacklog")).int } catch {
                throw QueueError(error, key: keys.config)
            }
            let maxBacklog = configured ?? defaultMaxBacklog
            var backlog: Int64 = 0
            if maxBacklog > 0 {
                let stats = try await QueueInspector(redis: redis, queue: queue, clock: clock).stats()
                backlog = stats.backlog ?? stats.length
            }
            state.withLock { $0[queue] = Entry(backlog: backlog, maxBacklog: maxBacklog, fetchedAt: now) }
        } catch {
            state.withLock { table in table[queue]?.refreshing = false }
            throw error
        }
    }
}
