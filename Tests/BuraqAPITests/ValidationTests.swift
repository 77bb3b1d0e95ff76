import BuraqAPI
import BuraqScaling
import BuraqYAML
import Testing

func minimalTaskQueue() throws -> TaskQueue {
    try YAMLDecoder().decode(TaskQueue.self, from: minimalManifest)
}

struct ValidationTests {
    struct Rule: Sendable, CustomTestStringConvertible {
        var path: String
        var code: FieldError.Code
        var change: @Sendable (inout TaskQueue) -> Void
        var testDescription: String { path }
    }

    static let rules: [Rule] = [
        Rule(path: "apiVersion", code: .invalid) { $0.apiVersion = "buraq.dev/v1" },
        Rule(path: "kind", code: .invalid) { $0.kind = "Queue" },
        Rule(path: "metadata.name", code: .required) { $0.metadata.name = nil },
        Rule(path: "metadata.name", code: .invalid) { $0.metadata.name = "Emails_Queue" },
        Rule(path: "metadata.namespace", code: .invalid) { $0.metadata.namespace = "a.b" },
        Rule(path: "metadata.labels[bad key!]", code: .invalid) { $0.metadata.labels = ["bad key!": "x"] },
        Rule(path: "metadata.labels[app]", code: .invalid) { $0.metadata.labels = ["app": "-x"] },
        Rule(path: "spec.redis.address", code: .invalid) { $0.spec.redis.address = "redis" },
        Rule(path: "spec.redis.address", code: .invalid) { $0.spec.redis.address = "redis:0" },
        Rule(path: "spec.redis.address", code: .invalid) { $0.spec.redis.address = "::1:6379" },
        Rule(path: "spec.redis.address", code: .required) { $0.spec.redis.address = "" },
        Rule(path: "spec.redis.database", code: .outOfRange) { $0.spec.redis.database = -1 },
        Rule(path: "spec.redis.passwordSecretRef.name", code: .invalid) {
            $0.spec.redis.passwordSecretRef = SecretKeySelector(name: "Secret")
        },
        Rule(path: "spec.redis.passwordSecretRef.key", code: .invalid) {
            $0.spec.redis.passwordSecretRef = SecretKeySelector(name: "s", key: "a/b")
        },
        Rule(path: "spec.queue", code: .invalid) { $0.spec.queue = "a{b}" },
        Rule(path: "spec.queue", code: .required) { $0.spec.queue = "" },
        Rule(path: "spec.queue", code: .invalid) { $0.spec.queue = String(repeating: "q", count: 201) },
        Rule(path: "spec.consumerGroup", code: .invalid) { $0.spec.consumerGroup = "my group" },
        Rule(path: "spec.priorities[1]", code: .duplicate) { $0.spec.priorities = ["high", "high"] },
        Rule(path: "spec.priorities[0]", code: .invalid) { $0.spec.priorities = ["très"] },
        Rule(path: "spec.priorities", code: .tooMany) { $0.spec.priorities = (0..<11).map { "p\($0)" } },
        Rule(path: "spec.workers.scaleTargetRef.apiVersion", code: .invalid) {
            $0.spec.workers.scaleTargetRef.apiVersion = "apps/"
        },
        Rule(path: "spec.workers.scaleTargetRef.kind", code: .invalid) { $0.spec.workers.scaleTargetRef.kind = "deployment" },
        Rule(path: "spec.workers.scaleTargetRef.name", code: .invalid) { $0.spec.workers.scaleTargetRef.name = "Worker" },
        Rule(path: "spec.workers.minReplicas", code: .outOfRange) { $0.spec.workers.minReplicas = -1 },
        Rule(path: "spec.workers.maxReplicas", code: .outOfRange) { $0.spec.workers.maxReplicas = 0 },
        Rule(path: "spec.workers.minReplicas", code: .inconsistent) { $0.spec.workers.minReplicas = 21 },
        Rule(path: "spec.scaling.targetPerReplica", code: .outOfRange) { $0.spec.scaling.targetPerReplica = 0 },
        Rule(path: "spec.scaling.activationThreshold", code: .outOfRange) { $0.spec.scaling.activationThreshold = -1 },
        Rule(path: "spec.scaling.pollingIntervalSeconds", code: .outOfRange) { $0.spec.scaling.pollingIntervalSeconds = 0 },
        Rule(path: "spec.scaling.pollingIntervalSeconds", code: .outOfRange) { $0.spec.scaling.pollingIntervalSeconds = 301 },
        Rule(path: "spec.scaling.cooldownPeriodSeconds", code: .outOfRange) { $0.spec.scaling.cooldownPeriodSeconds = -1 },
        Rule(path: "spec.scaling.cooldownPeriodSeconds", code: .outOfRange) { $0.spec.scaling.cooldownPeriodSeconds = 86_401 },
        Rule(path: "spec.scaling.behavior.scaleUp.stabilizationWindowSeconds", code: .outOfRange) {
            $0.spec.scaling.behavior = ScalingBehavior(scaleUp: ScalingRules(stabilizationWindowSeconds: 3601))
        },
        Rule(path: "spec.scaling.behavior.scaleDown.policies", code: .required) {
            $0.spec.scaling.behavior = ScalingBehavior(scaleDown: ScalingRules(policies: []))
        },
        Rule(path: "spec.scaling.behavior.scaleDown.policies[0].value", code: .outOfRange) {
            $0.spec.scaling.behavior = ScalingBehavior(scaleDown: ScalingRules(policies: [.pods(0, perSeconds: 15)]))
        },
        Rule(path: "spec.scaling.behavior.scaleUp.policies[0].periodSeconds", code: .outOfRange) {
            $0.spec.scaling.behavior = ScalingBehavior(scaleUp: ScalingRules(policies: [.percent(10, perSeconds: 1801)]))
        },
        Rule(path: "spec.scaling.behavior.scaleUp.tolerance", code: .outOfRange) {
            $0.spec.scaling.behavior = ScalingBehavior(scaleUp: ScalingRules(tolerance: -0.1))
        },
        Rule(path: "spec.scaling.behavior.scaleUp.policies", code: .tooMany) {
            $0.spec.scaling.behavior = ScalingBehavior(
                scaleUp: ScalingRules(policies: Array(repeating: .pods(1, perSeconds: 15), count: 11)))
        },
        Rule(path: "spec.retry.maxRetries", code: .outOfRange) { $0.spec.retry.maxRetries = -1 },
        Rule(path: "spec.retry.maxDeliveries", code: .outOfRange) { $0.spec.retry.maxDeliveries = 1001 },
        Rule(path: "spec.retry.backoff.initialDelayMilliseconds", code: .outOfRange) {
            $0.spec.retry.backoff.initialDelayMilliseconds = 0
        },
        Rule(path: "spec.retry.backoff.maxDelaySeconds", code: .outOfRange) { $0.spec.retry.backoff.maxDelaySeconds = 0 },
        Rule(path: "spec.retry.backoff.multiplier", code: .outOfRange) { $0.spec.retry.backoff.multiplier = 11 },
        Rule(path: "spec.retry.backoff.initialDelayMilliseconds", code: .inconsistent) {
            $0.spec.retry.backoff.initialDelayMilliseconds = 5000
            $0.spec.retry.backoff.maxDelaySeconds = 2
        },
        Rule(path: "spec.visibilityTimeoutSeconds", code: .outOfRange) { $0.spec.visibilityTimeoutSeconds = 0 },
        Rule(path: "spec.taskTimeoutSeconds", code: .outOfRange) { $0.spec.taskTimeoutSeconds = 86_401 },
        Rule(path: "spec.deadLetter.maxLength", code: .outOfRange) { $0.spec.deadLetter.maxLength = 0 },
        Rule(path: "spec.rateLimit.tasksPerSecond", code: .outOfRange) { $0.spec.rateLimit = RateLimitSpec(tasksPerSecond: 0) },
        Rule(path: "spec.rateLimit.burst", code: .outOfRange) { $0.spec.rateLimit = RateLimitSpec(tasksPerSecond: 1, burst: -1) },
        Rule(path: "spec.maxInFlight", code: .outOfRange) { $0.spec.maxInFlight = -1 },
    ]

    @Test func minimalIsValid() throws {
        #expect(try minimalTaskQueue().validationErrors() == [])
    }

    @Test(arguments: rules) func eachRule(_ rule: Rule) throws {
        var tq = try minimalTaskQueue()
        rule.change(&tq)
        let errors = tq.validationErrors()
        #expect(errors.map(\.path) == [rule.path], "\(errors)")
        #expect(errors.first?.code == rule.code)
        #expect(errors.first?.message.hasPrefix("must") == true)
    }

    @Test func everyViolationAtOnce() throws {
        var tq = try minimalTaskQueue()
        tq.spec.workers.minReplicas = 30
        tq.spec.scaling.targetPerReplica = 0
        tq.spec.taskTimeoutSeconds = 0
        tq.spec.queue = "a b"
        let errors = tq.validationErrors()
        #expect(
            errors.map(\.path) == [
                "spec.queue", "spec.scaling.targetPerReplica", "spec.workers.minReplicas", "spec.taskTimeoutSeconds",
            ])
        #expect(throws: TaskQueueInvalid.self) { try tq.validate() }
        let message = "\(TaskQueueInvalid(name: tq.namespacedName, errors: errors))"
        #expect(message.hasPrefix("TaskQueue \"emails\" is invalid: spec.queue: must consist of"))
    }

    @Test func acceptsGoodNames() throws {
        var tq = try minimalTaskQueue()
        tq.metadata.namespace = "jobs-1"
        tq.metadata.labels = ["app.kubernetes.io/name": "emails", "tier": ""]
        tq.spec.redis.address = "[::1]:6380"
        tq.spec.redis.passwordSecretRef = SecretKeySelector(name: "redis.auth", key: "redis_password")
        tq.spec.queue = "mail:outbound.v2"
        tq.spec.priorities = ["high", "default", "low"]
        tq.spec.workers.scaleTargetRef = ScaleTargetRef(apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "w")
        #expect(tq.validationErrors() == [])
    }
}
