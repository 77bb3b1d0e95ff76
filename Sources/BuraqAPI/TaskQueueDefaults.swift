import BuraqScaling

/// Every default of the TaskQueue spec, in one place. Decoding fills absent fields from here;
/// the CRD schema (`manifests/crd/taskqueues.buraq.dev.yaml`) carries the same values as
/// `default:` (a test keeps the two in step) and `QueueSettings()` uses the same numbers.
public enum TaskQueueDefaults: Sendable {
    /// `spec.redis.database`.
    public static let redisDatabase: Int32 = 0
    /// `spec.redis.tls.enabled`.
    public static let redisTLSEnabled = false
    /// `spec.redis.passwordSecretRef.key`.
    public static let passwordSecretKey = "password"
    /// `spec.consumerGroup`.
    public static let consumerGroup = "buraq"
    /// `spec.priorities`: one stream, no levels.
    public static let priorities: [String] = []
    /// `spec.workers.scaleTargetRef.apiVersion`.
    public static let scaleTargetAPIVersion = "apps/v1"
    /// `spec.workers.scaleTargetRef.kind`.
    public static let scaleTargetKind = "Deployment"
    /// `spec.workers.minReplicas`: scale to zero when idle.
    public static let minReplicas: Int32 = ScalingSpec.defaultMinReplicas
    /// `spec.scaling.metric`.
    public static let metric: ScalingMetric = ScalingSpec.defaultMetric
    /// `spec.scaling.activationThreshold`.
    public static let activationThreshold: Int64 = ScalingSpec.defaultActivationThreshold
    /// `spec.scaling.pollingIntervalSeconds`: the reaction time of the controller.
    public static let pollingIntervalSeconds: Int32 = 1
    /// `spec.scaling.cooldownPeriodSeconds`.
    public static let cooldownPeriodSeconds: Int32 = ScalingSpec.defaultCooldownPeriodSeconds
    /// `spec.retry.maxRetries`.
    public static let maxRetries: Int32 = 10
    /// `spec.retry.maxDeliveries`.
    public static let maxDeliveries: Int32 = 5
    /// `spec.retry.backoff.initialDelayMilliseconds`.
    public static let backoffInitialDelayMilliseconds: Int32 = 1000
    /// `spec.retry.backoff.maxDelaySeconds`.
    public static let backoffMaxDelaySeconds: Int32 = 300
    /// `spec.retry.backoff.multiplier`.
    public static let backoffMultiplier: Int32 = 2
    /// `spec.visibilityTimeoutSeconds`.
    public static let visibilityTimeoutSeconds: Int32 = 60
    /// `spec.taskTimeoutSeconds`.
    public static let taskTimeoutSeconds: Int32 = 30
    /// `spec.deadLetter.enabled`.
    public static let deadLetterEnabled = true
    /// `spec.deadLetter.maxLength`.
    public static let deadLetterMaxLength: Int64 = 10_000
    /// `spec.paused`.
    public static let paused = false
    /// `spec.rateLimit.burst`: one second's worth of tokens.
    public static let rateLimitBurst: Int32 = 0
    /// `spec.maxInFlight`: no limit.
    public static let maxInFlight: Int32 = 0
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the key is absent or null.
    func decode<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
