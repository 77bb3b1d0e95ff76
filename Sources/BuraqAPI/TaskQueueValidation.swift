import BuraqScaling

/// The rules a TaskQueue must follow: the same as the CRD schema and its CEL rules, so a file
/// that passes `buraq validate` is admitted by the API server, and a file read in local mode is
/// held to what the API server would enforce.
extension TaskQueue {
    /// The allowed range of each numeric field (named as the field), the same as the CRD
    /// schema's `minimum`/`maximum`; `priorities` and `policies` are the longest lists allowed.
    public enum Bounds: Sendable {
        public static let pollingIntervalSeconds: ClosedRange<Int32> = 1...300
        public static let cooldownPeriodSeconds: ClosedRange<Int32> = 0...86_400
        public static let maxRetries: ClosedRange<Int32> = 0...1000
        public static let maxDeliveries: ClosedRange<Int32> = 0...1000
        public static let backoffInitialDelayMilliseconds: ClosedRange<Int32> = 1...3_600_000
        public static let backoffMaxDelaySeconds: ClosedRange<Int32> = 1...86_400
        public static let backoffMultiplier: ClosedRange<Int32> = 1...10
        public static let visibilityTimeoutSeconds: ClosedRange<Int32> = 1...86_400
        public static let taskTimeoutSeconds: ClosedRange<Int32> = 1...86_400
        public static let deadLetterMaxLength: ClosedRange<Int64> = 1...100_000_000
        public static let rateLimitTasksPerSecond: ClosedRange<Int32> = 1...1_000_000
        public static let rateLimitBurst: ClosedRange<Int32> = 0...1_000_000
        public static let maxInFlight: ClosedRange<Int32> = 0...1_000_000
        public static let redisDatabase: ClosedRange<Int32> = 0...1_000_000
        public static let priorities = 10
        public static let policies = 10
    }

    /// Every problem with this TaskQueue, in field order; empty when it is valid.
    public func validationErrors() -> [FieldError] {
        var v = Validator()
        if apiVersion != Self.apiVersion {
            v.add(.invalid, "apiVersion", "must be '\(Self.apiVersion)', got '\(apiVersion)'")
        }
        if kind != Self.kind { v.add(.invalid, "kind", "must be '\(Self.kind)', got '\(kind)'") }
        v.metadata(metadata)
        v.spec(spec, scaling: scalingSpec)
        return v.errors
    }

    /// Throws the problems as one ``TaskQueueInvalid`` error when there are any.
    public func validate() throws(TaskQueueInvalid) {
        let errors = validationErrors()
        if !errors.isEmpty { throw TaskQueueInvalid(name: namespacedName, errors: errors) }
    }
}

/// A TaskQueue that broke one or more rules; `description` lists every one.
public struct TaskQueueInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    /// `namespace/name` of the TaskQueue.
    public var name: String
    /// Every problem.
    public var errors: [FieldError]

    /// Creates the error.
    public init(name: String, errors: [FieldError]) {
        self.name = name
        self.errors = errors
    }

    /// `TaskQueue "ns/name" is invalid: path: message; path: message`.
    public var description: String {
        "TaskQueue \"\(name)\" is invalid: " + errors.map(\.description).joined(separator: "; ")
    }
}

private struct Validator {
    var errors: [FieldError] = []

    mutating func add(_ code: FieldError.Code, _ path: String, _ message: String) {
        errors.append(FieldError(code, path, message))
    }

    mutating func name(_ text: String, _ path: String, _ rule: (String) -> String?) {
        if let problem = rule(text) { add(text.isEmpty ? .required : .invalid, path, text.isEmpty ? "must not be empty" : problem) }
    }

    mutating func range<T: BinaryInteger>(_ value: T, _ bounds: ClosedRange<T>, _ path: String) {
        if !bounds.contains(value) {
            add(.outOfRange, path, "must be between \(bounds.lowerBound) and \(bounds.upperBound), got \(value)")
        }
    }

    mutating func metadata(_ m: ObjectMeta) {
        if let name = m.name {
            self.name(name, "metadata.name", NameRules.dnsSubdomain)
        } else if m.generateName == nil {
            add(.required, "metadata.name", "must be set")
        }
        if let namespace = m.namespace { name(namespace, "metadata.namespace", NameRules.dnsLabel) }
        for (key, value) in (m.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.labelKey(key) { add(.invalid, "metadata.labels[\(key)]", problem) }
            if let problem = NameRules.labelValue(value) { add(.invalid, "metadata.labels[\(key)]", problem) }
        }
    }

    mutating func spec(_ s: TaskQueueSpec, scaling: ScalingSpec) {
        name(s.redis.address, "spec.redis.address", NameRules.hostPort)
        range(s.redis.database, TaskQueue.Bounds.redisDatabase, "spec.redis.database")
        if let ref = s.redis.passwordSecretRef {
            name(ref.name, "spec.redis.passwordSecretRef.name", NameRules.dnsSubdomain)
            name(ref.key, "spec.redis.passwordSecretRef.key", NameRules.secretKey)
        }
        name(s.queue, "spec.queue", NameRules.redisName)
        name(s.consumerGroup, "spec.consumerGroup", NameRules.redisName)
        priorities(s.priorities)

        let ref = s.workers.scaleTargetRef
        name(ref.apiVersion, "spec.workers.scaleTargetRef.apiVersion", NameRules.apiVersion)
        name(ref.kind, "spec.workers.scaleTargetRef.kind", NameRules.kind)
        name(ref.name, "spec.workers.scaleTargetRef.name", NameRules.dnsSubdomain)

        for error in scaling.validationErrors() {
            let parent = ["minReplicas", "maxReplicas"].contains(error.field) ? "spec.workers." : "spec.scaling."
            let code: FieldError.Code =
                switch error.code {
                case .outOfRange: .outOfRange
                case .empty: .required
                case .inconsistent: .inconsistent
                }
            add(code, parent + error.field, error.message)
        }
        if s.scaling.cooldownPeriodSeconds >= 0 {
            range(s.scaling.cooldownPeriodSeconds, TaskQueue.Bounds.cooldownPeriodSeconds, "spec.scaling.cooldownPeriodSeconds")
        }
        range(s.scaling.pollingIntervalSeconds, TaskQueue.Bounds.pollingIntervalSeconds, "spec.scaling.pollingIntervalSeconds")
        for (direction, rules) in [("scaleUp", s.scaling.behavior?.scaleUp), ("scaleDown", s.scaling.behavior?.scaleDown)] {
            if let count = rules?.policies?.count, count > TaskQueue.Bounds.policies {
                add(.tooMany, "spec.scaling.behavior.\(direction).policies",
                    "must have at most \(TaskQueue.Bounds.policies) items, got \(count)")
            }
        }

        range(s.retry.maxRetries, TaskQueue.Bounds.maxRetries, "spec.retry.maxRetries")
        range(s.retry.maxDeliveries, TaskQueue.Bounds.maxDeliveries, "spec.retry.maxDeliveries")
        let backoff = s.retry.backoff
        range(backoff.initialDelayMilliseconds, TaskQueue.Bounds.backoffInitialDelayMilliseconds,
              "spec.retry.backoff.initialDelayMilliseconds")
        range(backoff.maxDelaySeconds, TaskQueue.Bounds.backoffMaxDelaySeconds, "spec.retry.backoff.maxDelaySeconds")
        range(backoff.multiplier, TaskQueue.Bounds.backoffMultiplier, "spec.retry.backoff.multiplier")
        if TaskQueue.Bounds.backoffMaxDelaySeconds.contains(backoff.maxDelaySeconds),
            Int64(backoff.initialDelayMilliseconds) > Int64(backoff.maxDelaySeconds) * 1000
        {
            add(.inconsistent, "spec.retry.backoff.initialDelayMilliseconds",
                "must be less than or equal to `maxDelaySeconds` × 1000 (\(Int64(backoff.maxDelaySeconds) * 1000)), got \(backoff.initialDelayMilliseconds)")
        }
        range(s.visibilityTimeoutSeconds, TaskQueue.Bounds.visibilityTimeoutSeconds, "spec.visibilityTimeoutSeconds")
        range(s.taskTimeoutSeconds, TaskQueue.Bounds.taskTimeoutSeconds, "spec.taskTimeoutSeconds")
        range(s.deadLetter.maxLength, TaskQueue.Bounds.deadLetterMaxLength, "spec.deadLetter.maxLength")
        if let rate = s.rateLimit {
            range(rate.tasksPerSecond, TaskQueue.Bounds.rateLimitTasksPerSecond, "spec.rateLimit.tasksPerSecond")
            range(rate.burst, TaskQueue.Bounds.rateLimitBurst, "spec.rateLimit.burst")
        }
        range(s.maxInFlight, TaskQueue.Bounds.maxInFlight, "spec.maxInFlight")
    }

    mutating func priorities(_ levels: [String]) {
        if levels.count > TaskQueue.Bounds.priorities {
            add(.tooMany, "spec.priorities", "must have at most \(TaskQueue.Bounds.priorities) items, got \(levels.count)")
        }
        var seen: Set<String> = []
        for (index, level) in levels.enumerated() {
            name(level, "spec.priorities[\(index)]", NameRules.priorityLevel)
            if !seen.insert(level).inserted {
                add(.duplicate, "spec.priorities[\(index)]", "must not repeat '\(level)'")
            }
        }
    }
}
