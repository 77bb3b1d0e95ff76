import ArgumentParser
import BuraqController
import BuraqHTTP
import BuraqKube
import BuraqQueue
import BuraqRedis
import FoundationEssentials
import Glibc
import Logging
import ServiceLifecycle

/// Runs the controller until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Reconcile TaskQueues (the default subcommand).",
        discussion: "Kubernetes mode (default) watches TaskQueues and scales their Deployments through /scale. "
            + "Local mode (--local FILE|DIR) reads TaskQueue YAML files, reloads them when they change, and runs "
            + "buraq-worker processes instead of a Deployment. SIGTERM or SIGINT: stop polling, release the lease, "
            + "drain local workers, exit 0.")

    @Option(help: "Local mode: a TaskQueue YAML file or a directory of them (*.yaml, *.yml).")
    var local: String?

    @Option(help: "Kubernetes: kubeconfig file (default: in-cluster config, else $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(name: .customLong("namespace"), help: "Kubernetes: watch TaskQueues only in this namespace (repeatable; default all).")
    var namespaces: [String] = []

    @Flag(help: "Kubernetes: elect a leader with a coordination.k8s.io Lease; only the leader writes.")
    var leaderElect = false

    @Option(help: "Kubernetes: namespace of the leader-election Lease (default: the pod's namespace).")
    var leaderElectNamespace: String?

    @Option(help: "Kubernetes: how long a lease is valid without renewal.")
    var leaderElectLeaseDuration: DurationArgument = DurationArgument(.seconds(15))

    @Option(help: "Kubernetes: the leader gives up if it cannot renew within this.")
    var leaderElectRenewDeadline: DurationArgument = DurationArgument(.seconds(10))

    @Option(help: "Kubernetes: wait between attempts to acquire or renew the lease.")
    var leaderElectRetryPeriod: DurationArgument = DurationArgument(.seconds(2))

    @Option(help: "Address for /metrics (Prometheus); '0' turns it off.")
    var metricsBindAddress: String = ":8080"

    @Option(help: "Address for /healthz and /readyz; '0' turns it off.")
    var healthProbeBindAddress: String = ":8081"

    @Option(help: "Redis URL for TaskQueues that name no address. Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Local mode: the worker executable (default: buraq-worker next to this program, else on PATH).")
    var workerPath: String?

    @Option(help: "Local mode: --concurrency of each worker.")
    var workerConcurrency: Int?

    @Option(help: "Local mode: directory for worker output (one <worker>.log each; default a temporary directory).")
    var workerLogDir: String?

    @Option(name: .customLong("kube-api-qps"), help: "Kubernetes: requests a second to the API server (token bucket). Scales are read from a Deployment watch; scale changes, statuses and Events use requests.")
    var kubeAPIQPS: Double = 20

    @Option(name: .customLong("kube-api-burst"), help: "Kubernetes: requests allowed in a burst above --kube-api-qps.")
    var kubeAPIBurst: Int = 30

    @Option(help: "Kubernetes: status and Event writes in flight at once. They are queued off the poll path; each holds a slot of the API rate limiter that a scale write may wait behind.")
    var statusWriteConcurrency: Int = StatusWriterConfiguration().concurrentWrites

    @Option(help: "Polls running at once at most; due polls beyond it wait for a free slot, earliest first.")
    var maxConcurrentPolls: Int = ControllerService.defaultMaxConcurrentPolls

    @Option(help: "Return memory freed in the middle of the heap to the kernel this often (malloc_trim); '0' turns it off.")
    var heapTrimInterval: DurationArgument = DurationArgument(.seconds(10))

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let workerConcurrency, workerConcurrency < 1 {
            throw ValidationError("--worker-concurrency must be at least 1, got \(workerConcurrency)")
        }
        if !(kubeAPIQPS > 0) { throw ValidationError("--kube-api-qps must be above 0, got \(kubeAPIQPS)") }
        if kubeAPIBurst < 1 { throw ValidationError("--kube-api-burst must be at least 1, got \(kubeAPIBurst)") }
        if statusWriteConcurrency < 1 {
            throw ValidationError("--status-write-concurrency must be at least 1, got \(statusWriteConcurrency)")
        }
        if maxConcurrentPolls < 1 {
            throw ValidationError("--max-concurrent-polls must be at least 1, got \(maxConcurrentPolls)")
        }
        do { _ = try RedisConfiguration(url: redisURL) } catch { throw ValidationError(error.message) }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "buraq.controller")
        let metrics = ControllerMetrics()
        let clients = RedisClients(logger: logger)
        defer { clients.closeAll() }
        let redisSource = RedisQueueMetricsSource(clients: clients, defaultURL: redisURL)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let controller: ControllerService
        var client: KubeClient?
        defer { client?.shutdown() }
        if let local {
            let poolConfiguration = LocalProcessPoolConfiguration(
                workerPath: try resolveWorkerPath(), defaultRedisURL: redisURL, workerConcurrency: workerConcurrency,
                logDirectory: workerLogDir ?? LocalProcessPoolConfiguration(workerPath: "", defaultRedisURL: "").logDirectory)
            let environment = ControllerEnvironment(
                metrics: redisSource, scaleTarget: LocalProcessPool(configuration: poolConfiguration, logger: logger),
                status: LoggingStatusSink(logger: logger), observer: metrics, logger: logger)
            let source = LocalTaskQueueSource(path: local, logger: logger, decode: TaskQueueFileReader.decoder(defaultRedisURL: redisURL))
            controller = ControllerService(source: source, environment: environment, maxConcurrentPolls: maxConcurrentPolls)
            logger.info(
                "Starting controller",
                metadata: [
                    "mode": "local", "path": "\(local)", "redisURL": "\(RedisClients.redacted(redisURL))",
                    "workerPath": "\(poolConfiguration.workerPath)", "workerLogDir": "\(poolConfiguration.logDirectory)",
                ])
        } else {
            var configuration: ClientConfiguration
            do { configuration = try ConfigLoader().load(kubeconfig: kubeconfig) } catch {
                throw ValidationError("Cannot load Kubernetes configuration: \(error)")
            }
            configuration.qps = kubeAPIQPS
            configuration.burst = kubeAPIBurst
            let api = KubeClient(configuration: configuration)
            client = api
            let identity = ProcessInfo.processInfo.environment["POD_NAME"] ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            var mayWrite: @Sendable () -> Bool = { true }
            if leaderElect {
                let namespace =
                    leaderElectNamespace ?? ProcessInfo.processInfo.environment["POD_NAMESPACE"] ?? configuration.namespace
                let elector: LeaderElector
                do {
                    elector = try LeaderElector(
                        api: api,
                        configuration: LeaderElectionConfiguration(
                            leaseName: "buraq-controller", namespace: namespace, identity: identity,
                            leaseDuration: leaderElectLeaseDuration.duration, renewDeadline: leaderElectRenewDeadline.duration,
                            retryPeriod: leaderElectRetryPeriod.duration),
                        logger: logger)
                } catch { throw ValidationError("\(error)") }
                mayWrite = { elector.isLeader }
                metrics.setLeader(false)
                services.append(.init(service: elector))
                services.append(.init(service: LeadershipReporter(elector: elector, metrics: metrics, logger: logger)))
            }
            // Replica counts come from a Deployment informer, not a GET of /scale per poll.
            let deployments = DeploymentCache(api: api, namespaces: namespaces, logger: logger)
            services.append(.init(service: deployments))
            // Statuses and Events are written off the poll path. Listed after the elector and
            // before the controller: at shutdown it flushes after the last poll and before the
            // lease is released.
            let writer = StatusWriter(
                target: KubernetesStatusTarget(api: api, instance: identity),
                configuration: StatusWriterConfiguration(concurrentWrites: statusWriteConcurrency), mayWrite: mayWrite,
                observer: metrics, logger: logger)
            services.append(.init(service: writer))
            let environment = ControllerEnvironment(
                metrics: redisSource, scaleTarget: DeploymentScaleTarget(api: api, cache: deployments, logger: logger),
                status: writer, observer: metrics, mayWrite: mayWrite, logger: logger)
            controller = ControllerService(
                source: KubernetesTaskQueueSource(api: api, namespaces: namespaces, logger: logger), environment: environment,
                maxConcurrentPolls: maxConcurrentPolls)
            logger.info(
                "Starting controller",
                metadata: [
                    "mode": "kubernetes", "server": "\(configuration.server)",
                    "namespaces": "\(namespaces.isEmpty ? "all" : namespaces.joined(separator: ","))",
                    "leaderElect": "\(leaderElect)", "identity": "\(identity)",
                ])
        }
        // Graceful shutdown runs in reverse order: the controller stops first, then the status
        // writer (flushing), then the elector (releasing the Lease), then the endpoints.
        services = try endpointServices(metrics: metrics, controller: controller, logger: logger) + services
        services.append(.init(service: controller))
        if heapTrimInterval.duration > .zero {
            services.append(.init(service: HeapTrimmer(interval: heapTrimInterval.duration, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("Stopped controller")
    }

    func endpointServices(metrics: ControllerMetrics, controller: ControllerService, logger: Logger) throws
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if metricsBindAddress != "0" {
            var router = HTTPRouter()
            router.get("/metrics") { _ in
                // Streamed in pieces: with 1,000 TaskQueues the page is about 800 KB.
                .streaming(headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]) { writer in
                    try await metrics.render(pieceBytes: 32 << 10) { try await writer.write($0) }
                }
            }
            services.append(.init(service: try Self.server(metricsBindAddress, router, logger)))
        }
        if healthProbeBindAddress != "0" {
            var router = HTTPRouter()
            router.get("/healthz") { _ in .text("ok\n") }
            router.get("/readyz") { _ in
                controller.isSynced ? .text("ok\n") : .text("TaskQueues not synced yet\n", status: 503)
            }
            services.append(.init(service: try Self.server(healthProbeBindAddress, router, logger)))
        }
        return services
    }

    /// A server on `address` (`:8080`, `127.0.0.1:8080`).
    static func server(_ address: String, _ router: HTTPRouter, _ logger: Logger) throws -> HTTPServer {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("Bind address '\(address)' is not [host]:port, e.g. :8080") }
        let host = String(address[..<colon])
        logger.info("Serving endpoints", metadata: ["address": "\(address)"])
        return HTTPServer(
            configuration: .init(host: host.isEmpty ? "0.0.0.0" : host, port: port), logger: logger,
            handler: router.handler)
    }

    func resolveWorkerPath() throws -> String {
        if let workerPath { return workerPath }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("buraq-worker").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/buraq-worker"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ValidationError("buraq-worker not found next to \(me) or on PATH; pass --worker-path")
    }
}
