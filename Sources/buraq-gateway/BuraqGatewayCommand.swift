import ArgumentParser
import BuraqGateway
import BuraqQueue
import BuraqRedis
import Foundation
import Logging
import ServiceLifecycle

/// `buraq-gateway`: the HTTP gateway (enqueue, read/admin API, dashboard) in front of Buraq's queues.
@main
struct BuraqGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-gateway",
        abstract: "Serve Buraq's queues over HTTP: enqueue, statistics, dead letters, workers, a live dashboard.",
        discussion: """
        Flags fall back to the environment: REDIS_URL, BURAQ_GATEWAY_PORT, BURAQ_GATEWAY_TOKENS (TOKEN:SCOPE[:NAME],...).
        Token file lines: TOKEN SCOPE [NAME], scope read or write. API: docs/openapi.yaml, also served at /openapi.yaml.
        """
    )

    @Option(help: "Redis URL (redis://[user:password@]host:port/db). Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Address to bind.")
    var host: String = "0.0.0.0"

    @Option(help: "Port to listen on. Env: BURAQ_GATEWAY_PORT.")
    var port: Int = Int(ProcessInfo.processInfo.environment["BURAQ_GATEWAY_PORT"] ?? "") ?? 8088

    @Option(help: "File of bearer tokens, one per line: TOKEN SCOPE [NAME] (scope read or write).")
    var tokenFile: String?

    @Flag(help: "Let callers without a token enqueue and requeue.")
    var allowAnonymousWrites = false

    @Flag(help: "Let callers without a token read even when tokens are configured.")
    var allowAnonymousReads = false

    @Option(help: "Largest task payload in bytes (413 above).")
    var maxPayloadBytes: Int = 1 << 20

    @Option(help: "Largest request body in bytes (413 above).")
    var maxBodyBytes: Int = 8 << 20

    @Option(help: "Tasks a second per client (token bucket, 429 with Retry-After above); 0: no limit.")
    var rateLimit: Double = 0

    @Option(help: "Burst of the per-client token bucket (default: one second's worth).")
    var rateBurst: Double?

    @Option(help: "Backlog over which enqueues get 503 with Retry-After, for queues whose config hash has no maxBacklog; 0: none.")
    var maxBacklog: Int64 = 0

    @Option(help: "Consumer group whose lag and pending are reported.")
    var group: String = "buraq"

    @Option(help: "File holding `kubectl get taskqueues -A -o json`, read again when it changes: the dashboard shows the controller's decisions.")
    var taskqueueStatusFile: String?

    @Option(help: "Threads serving HTTP connections (default: one per core).")
    var eventLoops: Int?

    @Option(help: "Redis connections for enqueues.")
    var enqueueConnections: Int = 2

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
        guard maxPayloadBytes >= 1, maxBodyBytes >= 1 else { throw ValidationError("--max-payload-bytes and --max-body-bytes must be at least 1") }
        guard rateLimit >= 0, (rateBurst ?? 1) >= 1 else { throw ValidationError("--rate-limit must be 0 or more and --rate-burst at least 1") }
        guard maxBacklog >= 0 else { throw ValidationError("--max-backlog must be 0 or more, got \(maxBacklog)") }
        guard (eventLoops ?? 1) >= 1 else { throw ValidationError("--event-loops must be at least 1") }
        guard (1...64).contains(enqueueConnections) else { throw ValidationError("--enqueue-connections must be 1 to 64") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        do { _ = try RedisConfiguration(url: redisURL) } catch { throw ValidationError(error.message) }
        _ = try tokens()
    }

    /// Tokens from --token-file and BURAQ_GATEWAY_TOKENS.
    func tokens() throws -> TokenRegistry {
        var registry = TokenRegistry()
        do {
            if let tokenFile {
                guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                    throw ValidationError("--token-file \(tokenFile): cannot read the file")
                }
                registry.merge(try TokenRegistry.parseFile(text, file: tokenFile))
            }
            if let list = ProcessInfo.processInfo.environment["BURAQ_GATEWAY_TOKENS"], !list.isEmpty {
                registry.merge(try TokenRegistry.parseList(list))
            }
        } catch let error as GatewayConfigurationError { throw ValidationError(error.message) }
        return registry
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LineLogHandler.bootstrap(level: level)
        let logger = Logger(label: "buraq.gateway")
        var config = GatewayConfiguration()
        config.host = host
        config.port = port
        config.tokens = try tokens()
        config.anonymousReads = allowAnonymousReads ? true : nil
        config.anonymousWrites = allowAnonymousWrites
        config.maxPayloadBytes = maxPayloadBytes
        config.maxBodyBytes = maxBodyBytes
        config.rateLimit = rateLimit
        config.rateBurst = rateBurst
        config.defaultMaxBacklog = maxBacklog
        config.group = group
        config.enqueueConnections = enqueueConnections
        config.eventLoopThreads = eventLoops
        config.taskQueueStatusFile = taskqueueStatusFile
        if let taskqueueStatusFile {
            do { _ = try ControllerStatusFile(path: taskqueueStatusFile).statuses() } catch {
                logger.warning("Cannot read the TaskQueue status file yet", metadata: ["file": "\(taskqueueStatusFile)", "error": "\(error)"])
            }
        }
        let gateway = Gateway(configuration: config, redis: try RedisConfiguration(url: redisURL), logger: logger)
        defer { gateway.close() }
        logger.info("Starting the gateway", metadata: [
            "port": "\(port)", "tokens": "\(config.tokens.count)", "anonymousWrites": "\(allowAnonymousWrites)",
            "rateLimit": "\(rateLimit)", "maxBacklog": "\(maxBacklog)", "maxPayloadBytes": "\(maxPayloadBytes)",
        ])
        // Shutdown runs in reverse order: the server stops first, the sampler after it.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: gateway.sampler), .init(service: gateway.makeServer())],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
