import Glibc
import FoundationEssentials

/// Settings of one ``Worker``.
public struct WorkerConfiguration: Sendable {
    /// The queue name (keys `buraq:{queue}:...`).
    public var queue: String
    /// The consumer group shared by all workers of the queue.
    public var group: String
    /// This worker's consumer name; defaults to `HOSTNAME` (the pod name on Kubernetes), else `host-pid`.
    public var consumer: String
    /// Handlers running at once.
    public var concurrency: Int
    /// Most entries fetched by one XREADGROUP (defaults to `concurrency`).
    public var batchSize: Int?
    /// How long one XREADGROUP blocks waiting for new entries; also bounds how fast a stop is noticed.
    public var blockTimeout: Duration
    public var retry: RetryPolicy
    /// Time in-flight handlers get to finish after a stop (SIGTERM) before they are cancelled.
    public var shutdownGracePeriod: Duration
    /// How often due scheduled tasks (delays, retries) are moved to the stream.
    public var promoteInterval: Duration
    /// Cap on the dead-letter stream length (approximate trimming); 0 keeps everything.
    public var deadLetterMaxLength: Int
    /// How often the worker records its heartbeat (`buraq:{Q}:worker:{id}`, TTL three intervals).
    public var heartbeatInterval: Duration = .seconds(5)
    /// Idle time after which a delivered, unacknowledged entry is reclaimed by a live worker.
    public var visibilityTimeout: Duration = .seconds(60)
    /// How long one attempt may run before it is cancelled and counted as a failure (nil: no limit).
    public var taskTimeout: Duration? = .seconds(30)
    /// Deliveries after which an entry that keeps crashing workers is quarantined (0: never).
    public var maxDeliveries: Int = 5
    /// Priority levels, highest first (each level reads `<stream>:<level>`; the plain stream last).
    public var priorities: [String] = []
    /// Tasks started per second across all workers (0: unlimited).
    public var rateLimitPerSecond: Int = 0
    /// Shared token bucket size (0: a tenth of a second's worth, at least 1).
    public var rateLimitBurst: Int = 0
    /// Tasks running at once across all workers (0: unlimited).
    public var maxInFlight: Int = 0
    /// Start paused (take no tasks until the config hash says otherwise).
    public var paused: Bool = false
    /// Read `buraq:{Q}:config` at start and every `configRefreshInterval`; the fields it holds
    /// override these (fields it lacks leave these as they are).
    public var followQueueConfig: Bool = true
    /// How often the config hash is read. With the fetch's `blockTimeout` (500 ms) this bounds how
    /// long a pause takes to stop fetching: 500 + 500 ms.
    public var configRefreshInterval: Duration = .milliseconds(500)

    public init(queue: String, group: String = "buraq", consumer: String? = nil, concurrency: Int = 16, batchSize: Int? = nil,
                blockTimeout: Duration = .milliseconds(500), retry: RetryPolicy = RetryPolicy(),
                shutdownGracePeriod: Duration = .seconds(25), promoteInterval: Duration = .milliseconds(100),
                deadLetterMaxLength: Int = 0) {
        self.queue = queue
        self.group = group
        self.consumer = consumer ?? WorkerConfiguration.defaultConsumerName()
        self.concurrency = max(1, concurrency)
        self.batchSize = batchSize
        self.blockTimeout = blockTimeout
        self.retry = retry
        self.shutdownGracePeriod = shutdownGracePeriod
        self.promoteInterval = promoteInterval
        self.deadLetterMaxLength = max(0, deadLetterMaxLength)
    }

    /// `HOSTNAME` when set (a pod's name), else `hostname-pid`.
    public static func defaultConsumerName() -> String {
        if let h = ProcessInfo.processInfo.environment["HOSTNAME"], !h.isEmpty { return h }
        return "\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }
}
