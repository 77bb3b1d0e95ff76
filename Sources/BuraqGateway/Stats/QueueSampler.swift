import BuraqQueue
import BuraqRedis
import Logging
import ServiceLifecycle
import Synchronization

/// Samples every queue once per ``interval``: depth (``QueueStats``), counters for rates,
/// live workers. Keeps a ``RateHistory`` per queue, the latest ``Overview``, and hands each
/// new overview to subscribers (the Server-Sent Events streams). Runs as a `Service`.
public final class QueueSampler: Service, Sendable {
    public let interval: Duration
    public let group: String
    private let redis: RedisClient
    private let directory: QueueDirectory
    private let clock: any WallClock
    private let logger: Logger
    private let statusFile: ControllerStatusFile?
    private let state = Mutex(State())

    private struct State {
        var histories: [String: RateHistory] = [:]
        var overview: Overview?
        var subscribers: [Int: AsyncStream<Overview>.Continuation] = [:]
        var nextSubscriber = 0
    }

    public init(redis: RedisClient, directory: QueueDirectory, interval: Duration = .seconds(1), group: String = "buraq",
                clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "buraq.gateway.sampler"),
                statusFile: ControllerStatusFile? = nil) {
        self.statusFile = statusFile
        self.redis = redis
        self.directory = directory
        self.interval = interval
        self.group = group
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await sample() } catch {
                logger.warning("Cannot sample queues", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
        // Finish outside the lock: finishing runs onTermination, which takes the lock.
        let subscribers = state.withLock { s in
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for continuation in subscribers { continuation.finish() }
    }

    /// Takes one sample of every queue now and publishes the overview.
    @discardableResult
    public func sample() async throws(QueueError) -> Overview {
        let now = clock.nowMilliseconds()
        var summaries: [QueueSummary] = []
        var workers: [WorkerSummary] = []
        var samples: [String: CounterSample] = [:]
        for queue in try await directory.queues() {
            // One unreadable queue (a key of another type, say) must not hide the others.
            let read: (summary: QueueSummary, counters: CounterSample, workers: [WorkerSummary])
            do { read = try await self.read(queue, now: now) } catch {
                if error.code != .wrongType { throw error }
                logger.debug("Skipping a queue that cannot be read", metadata: ["queue": "\(queue)", "error": "\(error)"])
                continue
            }
            samples[queue] = read.counters
            workers += read.workers
            summaries.append(read.summary)
        }
        let (overview, subscribers) = state.withLock { s -> (Overview, [AsyncStream<Overview>.Continuation]) in
            var points: [String: RatePoint] = [:]
            for (index, summary) in summaries.enumerated() {
                var history = s.histories[summary.name] ?? RateHistory()
                if let sample = samples[summary.name] { history.append(sample) }
                s.histories[summary.name] = history
                summaries[index].rates = history.rates()
                points[summary.name] = history.lastPoint
            }
            let overview = Overview(time: now, queues: summaries, workers: workers, points: points)
            s.overview = overview
            return (overview, Array(s.subscribers.values))
        }
        for continuation in subscribers { continuation.yield(overview) }
        return overview
    }

    /// The latest overview, if a sample was taken.
    public var latest: Overview? { state.withLock { $0.overview } }

    /// The recent rates of a queue.
    public func rates(of queue: String) -> QueueRates { state.withLock { $0.histories[queue]?.rates() ?? QueueRates() } }

    /// Every queue's rate points, oldest first (for a dashboard that just connected).
    public func history() -> [String: [RatePoint]] { state.withLock { $0.histories.mapValues(\.points) } }

    /// A stream of overviews, one per sample, until the sampler stops or the stream is dropped.
    public func subscribe() -> AsyncStream<Overview> {
        let (stream, continuation) = AsyncStream<Overview>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id = state.withLock { s -> Int in
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            return s.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// Reads one queue: summary (rates filled in later), counters, workers.
    public func read(_ queue: String, now: Int64) async throws(QueueError) -> (summary: QueueSummary, counters: CounterSample, workers: [WorkerSummary]) {
        let keys = try QueueKeys(queue: queue)
        let config = try await configHash(keys)
        let settings = (try? QueueSettings(hash: config)) ?? QueueSettings()
        let stats = try await QueueInspector(redis: redis, queue: queue, group: group, clock: clock).stats()
        let beats = try await WorkerHeartbeat.list(redis: redis, keys: keys, now: now)
        let streams = keys.streams(priorities: settings.priorities)
        var commands: [RedisCommand] = []
        for stream in streams {
            commands.append(RedisCommand("XINFO", "STREAM", stream))
            commands.append(RedisCommand("XINFO", "GROUPS", stream))
        }
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands) } catch { throw QueueError(error, key: keys.stream) }
        var added: Int64 = 0
        var acknowledged: Int64? = 0
        for index in streams.indices {
            let info = Self.pairs(replies[2 * index])
            added += info["entries-added"]?.int ?? info["length"]?.int ?? 0
            let groups = replies[2 * index + 1].array ?? []
            if let mine = groups.map(Self.pairs).first(where: { $0["name"]?.string == group }) {
                if let read = mine["entries-read"]?.int, let pending = mine["pending"]?.int, let sum = acknowledged {
                    acknowledged = sum + read - pending
                } else {
                    acknowledged = nil
                }
            }
        }
        let failed = beats.reduce(Int64(0)) { $0 + Int64($1.failed) }
        let maxBacklog = config["maxBacklog"].flatMap { Int64($0) } ?? 0
        var summary = QueueSummary(name: queue, stats: stats, paused: settings.paused, maxBacklog: maxBacklog,
                                   workers: beats.count, rates: rates(of: queue))
        // Cached by modification time; a missing or bad file was reported at start.
        summary.controller = (try? statusFile?.statuses())?[queue]
        return (summary, CounterSample(time: now, added: added, acknowledged: acknowledged, failed: failed),
                beats.map { WorkerSummary(queue: queue, $0) })
    }

    private func configHash(_ keys: QueueKeys) async throws(QueueError) -> [String: String] {
        let reply: RESPValue
        do { reply = try await redis.send(RedisCommand("HGETALL", keys.config)) } catch { throw QueueError(error, key: keys.config) }
        return Self.pairs(reply).compactMapValues(\.string)
    }

    static func pairs(_ value: RESPValue) -> [String: RESPValue] {
        let items = value.array ?? []
        var out: [String: RESPValue] = [:]
        for i in stride(from: 0, to: items.count - 1, by: 2) {
            if let k = items[i].string { out[k] = items[i + 1] }
        }
        return out
    }
}
