/// How a ``Gateway`` listens, whom it admits, and its limits.
public struct GatewayConfiguration: Sendable {
    /// Address to bind, e.g. `0.0.0.0`.
    public var host: String = "0.0.0.0"
    /// Port to bind; 0 picks a free one.
    public var port: Int = 8088
    /// Largest request body (413 from the HTTP server above it).
    public var maxBodyBytes: Int = 8 << 20
    /// Largest task payload, decoded (413 naming the field above it).
    public var maxPayloadBytes: Int = 1 << 20
    /// Most tasks in one batch request.
    public var maxBatch: Int = 1000
    /// Requests (tasks, for batches) a second per client; 0: no limit.
    public var rateLimit: Double = 0
    /// Burst of the per-client token bucket; nil: one second's worth.
    public var rateBurst: Double?
    /// Backlog over which enqueues get 503 when the queue's config hash has no `maxBacklog`; 0: none.
    public var defaultMaxBacklog: Int64 = 0
    /// How often a queue's backlog is read for backpressure, in ms; 0: on every request.
    public var backlogRefreshMilliseconds: Int64 = 500
    /// Accepted bearer tokens.
    public var tokens = TokenRegistry()
    /// Whether callers without a token may read; nil: when no token is configured.
    public var anonymousReads: Bool?
    /// Whether callers without a token may enqueue and requeue.
    public var anonymousWrites = false
    /// How often queues are sampled for the dashboard and rates.
    public var sampleInterval: Duration = .seconds(1)
    /// The consumer group whose lag and pending are reported.
    public var group = "buraq"
    /// A file with `kubectl get taskqueues -A -o json` output, for the controller's decisions.
    public var taskQueueStatusFile: String?
    /// Threads serving HTTP connections; nil: NIO's shared group (one per core). A group made for
    /// this lives as long as the process.
    public var eventLoopThreads: Int?
    /// Redis connections for enqueues (flushes in flight at once).
    public var enqueueConnections = 2

    public init() {}
}
