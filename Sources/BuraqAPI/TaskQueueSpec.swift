/// `spec` of a TaskQueue.
public struct TaskQueueSpec: Sendable, Equatable, Codable {
    /// Where the queue lives.
    public var redis: RedisSpec
    /// The queue name: the `{Q}` of the Redis keys `buraq:{Q}:stream` and friends. Letters,
    /// digits, `.`, `_`, `-`, `:`, up to 200 characters; cannot change once created.
    public var queue: String
    /// The consumer group every worker of the queue joins.
    public var consumerGroup: String
    /// Priority levels, highest first, each with its own stream; empty for one stream.
    public var priorities: [String]
    /// The workers and how many of them may run.
    public var workers: WorkersSpec
    /// How the worker count follows the queue.
    public var scaling: ScalingSettings
    /// What happens to tasks whose handler failed.
    public var retry: RetrySpec
    /// Idle time after which a delivered, unacknowledged task is given to another worker.
    public var visibilityTimeoutSeconds: Int32
    /// How long one attempt may run before it is cancelled and counted as a failure.
    public var taskTimeoutSeconds: Int32
    /// The dead-letter stream of tasks out of retries.
    public var deadLetter: DeadLetterSpec
    /// When true, workers take no new tasks (the queue keeps accepting them).
    public var paused: Bool
    /// Tasks started per second across all workers; absent for no limit.
    public var rateLimit: RateLimitSpec?
    /// Tasks running at once across all workers (0: no limit).
    public var maxInFlight: Int32

    /// Creates a spec; everything not given takes its default.
    public init(
        redis: RedisSpec, queue: String, consumerGroup: String = TaskQueueDefaults.consumerGroup,
        priorities: [String] = TaskQueueDefaults.priorities, workers: WorkersSpec, scaling: ScalingSettings,
        retry: RetrySpec = RetrySpec(), visibilityTimeoutSeconds: Int32 = TaskQueueDefaults.visibilityTimeoutSeconds,
        taskTimeoutSeconds: Int32 = TaskQueueDefaults.taskTimeoutSeconds, deadLetter: DeadLetterSpec = DeadLetterSpec(),
        paused: Bool = TaskQueueDefaults.paused, rateLimit: RateLimitSpec? = nil,
        maxInFlight: Int32 = TaskQueueDefaults.maxInFlight
    ) {
        self.redis = redis
        self.queue = queue
        self.consumerGroup = consumerGroup
        self.priorities = priorities
        self.workers = workers
        self.scaling = scaling
        self.retry = retry
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.deadLetter = deadLetter
        self.paused = paused
        self.rateLimit = rateLimit
        self.maxInFlight = maxInFlight
    }

    enum CodingKeys: String, CodingKey {
        case redis, queue, consumerGroup, priorities, workers, scaling, retry, visibilityTimeoutSeconds,
            taskTimeoutSeconds, deadLetter, paused, rateLimit, maxInFlight
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        typealias D = TaskQueueDefaults
        redis = try c.decode(RedisSpec.self, forKey: .redis)
        queue = try c.decode(String.self, forKey: .queue)
        consumerGroup = try c.decode(.consumerGroup, or: D.consumerGroup)
        priorities = try c.decode(.priorities, or: D.priorities)
        workers = try c.decode(WorkersSpec.self, forKey: .workers)
        scaling = try c.decode(ScalingSettings.self, forKey: .scaling)
        retry = try c.decode(.retry, or: RetrySpec())
        visibilityTimeoutSeconds = try c.decode(.visibilityTimeoutSeconds, or: D.visibilityTimeoutSeconds)
        taskTimeoutSeconds = try c.decode(.taskTimeoutSeconds, or: D.taskTimeoutSeconds)
        deadLetter = try c.decode(.deadLetter, or: DeadLetterSpec())
        paused = try c.decode(.paused, or: D.paused)
        rateLimit = try c.decodeIfPresent(RateLimitSpec.self, forKey: .rateLimit)
        maxInFlight = try c.decode(.maxInFlight, or: D.maxInFlight)
    }
}
