import BuraqQueue
import BuraqRedis

/// Reads queue figures from Redis: one pipelined round trip per poll (`QueueInspector`), shared
/// by the TaskQueues on the same address that fall due within `batchWindow`, plus one
/// (`QueueSetup.prepare`) on polls that write the settings hash.
public struct RedisQueueMetricsSource: QueueMetricsSource {
    /// Clients by address, shared by all TaskQueues.
    public let clients: RedisClients
    /// The URL of TaskQueues that name no Redis (`--redis-url`).
    public let defaultURL: String
    private let clock: any WallClock
    private let batcher: StatsBatcher

    /// Creates a source.
    /// - Parameter batchWindow: reads due within this window share one pipeline per address.
    public init(
        clients: RedisClients, defaultURL: String, clock: any WallClock = SystemWallClock(),
        batchWindow: Duration = .milliseconds(2)
    ) {
        self.clients = clients
        self.defaultURL = defaultURL
        self.clock = clock
        self.batcher = StatsBatcher(window: batchWindow, clock: clock)
    }

    public func read(_ target: QueueTarget, writing settings: QueueSettings?) async -> QueueReading {
        let url = target.redisURL ?? defaultURL
        let redis: RedisClient
        do { redis = try clients.client(for: url) } catch {
            return QueueReading(settingsWrite: settings.map { _ in .failure(error) }, metrics: .failure(error))
        }
        var write: Result<Void, ControllerError>?
        if let settings {
            do {
                let setup = try QueueSetup(redis: redis, queue: target.queue, group: target.consumerGroup)
                try await setup.prepare(settings: settings)
                write = .success(())
            } catch {
                write = .failure(Self.controllerError(error, url: url, target: target, writing: true))
            }
        }
        do {
            let inspector = try QueueInspector(redis: redis, queue: target.queue, group: target.consumerGroup, clock: clock)
            switch await batcher.stats(inspector, redis: redis) {
            case .success(let stats): return QueueReading(settingsWrite: write, metrics: .success(stats))
            case .failure(let error):
                return QueueReading(
                    settingsWrite: write, metrics: .failure(Self.controllerError(error, url: url, target: target, writing: false)))
            }
        } catch {
            return QueueReading(settingsWrite: write, metrics: .failure(Self.controllerError(error, url: url, target: target, writing: false)))
        }
    }

    public func workers(of target: QueueTarget) async -> Result<[WorkerHeartbeat], ControllerError> {
        let url = target.redisURL ?? defaultURL
        do {
            let redis = try clients.client(for: url)
            let keys = try QueueKeys(queue: target.queue)
            return .success(try await WorkerHeartbeat.list(redis: redis, keys: keys, now: clock.nowMilliseconds()))
        } catch let error as ControllerError {
            return .failure(error)
        } catch let error as QueueError {
            return .failure(Self.controllerError(error, url: url, target: target, writing: false))
        } catch {
            return .failure(ControllerError(code: .redisError, message: "\(error)"))
        }
    }

    /// Maps a queue error to a reason and a sentence that says what to check.
    static func controllerError(_ error: QueueError, url: String, target: QueueTarget, writing: Bool) -> ControllerError {
        let address = RedisClients.redacted(url)
        var context = error.context
        context["redis"] = address
        if let redis = error.redis, redis.isTransient || redis.code == .closed {
            return ControllerError(
                code: .redisUnavailable,
                message: "Cannot reach Redis at \(address) for queue '\(target.queue)': \(redis.message). Check spec.redis and that Redis is running",
                context: context)
        }
        if error.code == .invalidArgument {
            return ControllerError(code: .invalidSpec, message: error.message, context: context)
        }
        return ControllerError(
            code: writing ? .failedWriteConfig : .redisError,
            message: "Redis at \(address) refused \(writing ? "the settings write" : "the queue read") for queue '\(target.queue)': \(error.message)",
            context: context)
    }
}
