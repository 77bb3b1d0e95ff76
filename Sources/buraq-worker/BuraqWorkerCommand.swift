import ArgumentParser
import BuraqBase
import BuraqHTTP
import BuraqMetrics
import BuraqQueue
import BuraqRedis
import FoundationEssentials
import Logging
import ServiceLifecycle

/// `buraq-worker`: runs a Buraq worker with the demo handlers (noop, sleep, fail, echo).
@main
struct BuraqWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-worker",
        abstract: "Run a Buraq worker with the demo handlers noop, sleep (payload: ms), fail (payload: probability), echo and record.",
        discussion: "Flags fall back to the environment: REDIS_URL, BURAQ_QUEUE, BURAQ_CONCURRENCY, BURAQ_GROUP, BURAQ_METRICS_PORT, BURAQ_PARENT_PID, HOSTNAME (consumer name)."
    )

    @Option(help: "Redis URL (redis://[user:password@]host:port/db). Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Queue name. Env: BURAQ_QUEUE.")
    var queue: String = ProcessInfo.processInfo.environment["BURAQ_QUEUE"] ?? "default"

    @Option(help: "Handlers running at once. Env: BURAQ_CONCURRENCY.")
    var concurrency: Int = Int(ProcessInfo.processInfo.environment["BURAQ_CONCURRENCY"] ?? "") ?? 16

    @Option(help: "Consumer group. Env: BURAQ_GROUP.")
    var group: String = ProcessInfo.processInfo.environment["BURAQ_GROUP"] ?? "buraq"

    @Option(help: "Consumer name (default: HOSTNAME, else host-pid).")
    var consumer: String?

    @Option(help: "Retries after the first run before a task goes to the dead-letter queue.")
    var maxRetries: Int = 10

    @Option(help: "First retry delay in milliseconds (doubles each retry, with jitter).")
    var retryBaseMs: Int = 1000

    @Option(help: "Longest retry delay in milliseconds.")
    var retryMaxMs: Int = 600_000

    @Option(help: "Seconds in-flight tasks get to finish after SIGTERM.")
    var gracePeriod: Int = 25

    @Option(help: "Seconds a delivered task may stay unacknowledged before another worker reclaims it (the queue config hash overrides).")
    var visibilityTimeout: Int = 60

    @Option(help: "Seconds one attempt may run before it is cancelled and counted as failed; 0: no limit (the queue config hash overrides).")
    var taskTimeout: Int = 30

    @Option(help: "Deliveries after which a task that keeps crashing workers is quarantined; 0: never.")
    var maxDeliveries: Int = 5

    @Option(help: "Priority levels, highest first, comma-separated (e.g. high,default,low).")
    var priorities: String = ""

    @Flag(inversion: .prefixedNo, help: "Enqueue the queue's cron schedules (buraq schedule add); each tick runs once however many workers do this.")
    var scheduler = true

    @Option(help: "Port serving Prometheus /metrics and /healthz; 0 disables. Env: BURAQ_METRICS_PORT.")
    var metricsPort: Int = Int(ProcessInfo.processInfo.environment["BURAQ_METRICS_PORT"] ?? "") ?? 2112

    @Option(help: "Address the metrics port binds to.")
    var metricsHost: String = "0.0.0.0"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Stop gracefully (drain) once process PID, which started this worker, has exited; 0: off. Local mode sets it to the controller's PID, so workers end with the controller even when it is killed. Env: BURAQ_PARENT_PID.")
    var parentPid: Int32 = Int32(ProcessInfo.processInfo.environment["BURAQ_PARENT_PID"] ?? "") ?? 0

    func validate() throws {
        guard visibilityTimeout >= 1 else { throw ValidationError("--visibility-timeout must be at least 1 second") }
        guard taskTimeout >= 0, maxDeliveries >= 0 else { throw ValidationError("--task-timeout and --max-deliveries must be 0 or more") }
        guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0 (off) to 65535, got \(metricsPort)") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1, got \(concurrency)") }
        guard parentPid >= 0 else { throw ValidationError("--parent-pid must be 0 (off) or a process id, got \(parentPid)") }
        guard maxRetries >= 0 else { throw ValidationError("--max-retries must be 0 or more, got \(maxRetries)") }
        guard retryBaseMs >= 1, retryMaxMs >= retryBaseMs else { throw ValidationError("--retry-base-ms must be ≥ 1 and ≤ --retry-max-ms") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        do { try QueueName.validate(queue) } catch { throw ValidationError(error.message) }
        do { _ = try RedisConfiguration(url: redisURL) } catch { throw ValidationError(error.message) }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LineLogHandler.bootstrap(level: level)
        let logger = Logger(label: "buraq.worker")
        var config = WorkerConfiguration(
            queue: queue, group: group, consumer: consumer, concurrency: concurrency,
            retry: RetryPolicy(maxRetries: maxRetries, backoff: .init(initialDelay: .milliseconds(retryBaseMs), maxDelay: .milliseconds(retryMaxMs))),
            shutdownGracePeriod: .seconds(gracePeriod))
        config.visibilityTimeout = .seconds(visibilityTimeout)
        config.taskTimeout = taskTimeout > 0 ? .seconds(taskTimeout) : nil
        config.maxDeliveries = maxDeliveries
        config.priorities = priorities.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
        let redisConfig = try RedisConfiguration(url: redisURL)
        let demoRedis = RedisClient(configuration: redisConfig, poolSize: 1, name: "buraq-demo")
        defer { demoRedis.close() }
        let metrics = PrometheusWorkerObserver()
        let worker = try Worker(redis: redisConfig, configuration: config,
                                handlers: DemoHandlers.registry(logger: logger, redis: demoRedis, queue: queue), logger: logger,
                                observer: metricsPort > 0 ? metrics : NoWorkerObserver())
        // Graceful shutdown runs in reverse order: the worker drains first, metrics stay up longest.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if parentPid > 0 {
            // Its end (the parent is gone) shuts the group down gracefully, as SIGTERM would.
            services.append(.init(service: ParentWatch(parent: parentPid, logger: logger),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if metricsPort > 0 {
            let router = MetricsEndpoint.router(registry: metrics.registry)
            // A taken port is logged and leaves the worker running without metrics (local mode runs
            // several workers on one host).
            services.append(.init(service: HTTPServer(configuration: .init(host: metricsHost, port: metricsPort),
                                                      logger: Logger(label: "buraq.metrics"), handler: router.handler),
                                  successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        if scheduler {
            let cronRedis = RedisClient(configuration: redisConfig, poolSize: 1, name: "buraq-cron")
            services.append(.init(service: try CronScheduler(redis: cronRedis, queue: queue, logger: Logger(label: "buraq.cron"))))
        }
        services.append(.init(service: worker))
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
