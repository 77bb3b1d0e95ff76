import BuraqQueue
import BuraqScaling

/// A TaskQueue resolved into what one reconcile needs: where the queue lives, how to scale it,
/// the settings for its config hash and which workload to scale. Defaults are already applied.
public struct QueueTarget: Sendable, Equatable {
    /// Which TaskQueue this is.
    public var key: TaskQueueKey
    /// `metadata.generation` (local mode counts file changes).
    public var generation: Int64
    /// The Redis URL (`spec.redis`); `nil` uses the controller's `--redis-url`.
    public var redisURL: String?
    /// The queue name: keys are `buraq:{queue}:...`.
    public var queue: String
    /// The consumer group workers read with.
    public var consumerGroup: String
    /// Scaling rules for `BuraqScaling`.
    public var scaling: ScalingSpec
    /// What goes into `buraq:{queue}:config`.
    public var settings: QueueSettings
    /// How often the queue is polled (default 1 s).
    public var pollingIntervalSeconds: Int32
    /// The Deployment to scale (`spec.workers.scaleTargetRef.name`); in local mode a label for the pool.
    public var scaleTargetName: String

    /// Default `pollingIntervalSeconds`.
    public static let defaultPollingIntervalSeconds: Int32 = 1

    /// Creates a target.
    public init(
        key: TaskQueueKey, generation: Int64 = 1, redisURL: String? = nil, queue: String,
        consumerGroup: String = "buraq", scaling: ScalingSpec, settings: QueueSettings = QueueSettings(),
        pollingIntervalSeconds: Int32 = QueueTarget.defaultPollingIntervalSeconds, scaleTargetName: String
    ) {
        self.key = key
        self.generation = generation
        self.redisURL = redisURL
        self.queue = queue
        self.consumerGroup = consumerGroup
        self.scaling = scaling
        self.settings = settings
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.scaleTargetName = scaleTargetName
    }

    /// The polling interval as a `Duration` (at least 100 ms).
    public var pollingInterval: Duration {
        .milliseconds(max(Int64(pollingIntervalSeconds) * 1000, 100))
    }
}
