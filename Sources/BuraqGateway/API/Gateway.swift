import BuraqHTTP
import BuraqQueue
import BuraqRedis
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The HTTP gateway in front of Buraq's queues: enqueue (single and batch) with authentication,
/// rate limits and backpressure; the read and admin API; `/metrics`, `/healthz`,
/// `/openapi.yaml`; the dashboard at `/` with live updates from `/v1/events`.
///
/// Run ``sampler`` and ``makeServer()`` in one `ServiceGroup`; SIGTERM stops accepting, ends
/// open streams and connections, then returns.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let sampler: QueueSampler
    public let metrics: GatewayMetrics
    let policy: AccessPolicy
    let limiter: ClientRateLimiter
    let gate: BackpressureGate
    let coalescer: EnqueueCoalescer
    let decoder: EnqueueRequestDecoder
    let directory: QueueDirectory
    /// For reads, admin operations and sampling (enqueues have their own connections).
    let redis: RedisClient
    let enqueueRedis: RedisClient
    let clock: any WallClock
    let logger: Logger

    public init(configuration: GatewayConfiguration, redis: RedisConfiguration, clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "buraq.gateway")) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.redis = RedisClient(configuration: redis, poolSize: 2, name: "gateway-admin")
        self.enqueueRedis = RedisClient(configuration: redis, poolSize: configuration.enqueueConnections, name: "gateway-enqueue")
        metrics = GatewayMetrics()
        policy = AccessPolicy(tokens: configuration.tokens, anonymousReads: configuration.anonymousReads,
                              anonymousWrites: configuration.anonymousWrites)
        limiter = ClientRateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst, clock: clock)
        directory = QueueDirectory(redis: self.redis, clock: clock)
        let sampler = QueueSampler(redis: self.redis, directory: directory, interval: configuration.sampleInterval,
                                   group: configuration.group, clock: clock, logger: logger,
                                   statusFile: configuration.taskQueueStatusFile.map(ControllerStatusFile.init(path:)))
        self.sampler = sampler
        gate = BackpressureGate(redis: self.redis, defaultMaxBacklog: configuration.defaultMaxBacklog,
                                refreshMilliseconds: configuration.backlogRefreshMilliseconds, clock: clock,
                                drainRate: { sampler.rates(of: $0).processedPerSecond })
        coalescer = EnqueueCoalescer(redis: enqueueRedis, maxInFlight: configuration.enqueueConnections, clock: clock)
        decoder = EnqueueRequestDecoder(maxPayloadBytes: configuration.maxPayloadBytes, maxBatch: configuration.maxBatch)
    }

    /// The HTTP server answering with ``router``.
    public func makeServer() -> HTTPServer {
        let router = self.router
        let group: any EventLoopGroup = configuration.eventLoopThreads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
            ?? MultiThreadedEventLoopGroup.singleton
        return HTTPServer(configuration: .init(host: configuration.host, port: configuration.port, maxBodyBytes: configuration.maxBodyBytes),
                          logger: logger, group: group, router: router)
    }

    /// Closes the Redis clients (after the services stopped).
    public func close() {
        redis.close()
        enqueueRedis.close()
    }

    /// Wraps a handler with metrics for `route`.
    func measured(_ route: String, _ handler: @escaping HTTPHandler) -> HTTPHandler {
        let metrics = self.metrics.route(route)
        return { request in
            let start = ContinuousClock.now
            let response = await handler(request)
            metrics.record(method: request.method, status: response.status, since: start)
            return response
        }
    }

    /// Wraps a direct handler with metrics for `route`.
    func measured(_ route: String, _ handler: @escaping HTTPDirectHandler) -> HTTPDirectHandler {
        let metrics = self.metrics.route(route)
        return { request, respond in
            let start = ContinuousClock.now
            let method = request.method
            handler(request, respond.map { response in
                metrics.record(method: method, status: response.status, since: start)
                return response
            })
        }
    }

    /// Runs `body` for a caller allowed `scope`, else answers 401/403.
    func authorized(_ request: HTTPRequest, _ scope: AccessScope, _ body: (AccessPolicy.Caller) async throws(GatewayError) -> HTTPResponse) async -> HTTPResponse {
        switch policy.authorize(request, needs: scope) {
        case .failure(let error): return error.response
        case .success(let caller):
            do { return try await body(caller) } catch { return error.response }
        }
    }

    /// The queue named in the path, validated (400 naming `queue`).
    func queueName(_ request: HTTPRequest) throws(GatewayError) -> String {
        let name = request.parameter("queue")
        do { try QueueName.validate(name) } catch { throw GatewayError.invalidField("queue", error.message) }
        return name
    }
}
