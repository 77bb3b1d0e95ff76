import BuraqQueue
import BuraqScaling

extension TaskQueue {
    /// What the autoscaler needs: metric, target, replica range, cooldown and behaviour.
    public var scalingSpec: ScalingSpec {
        ScalingSpec(
            metric: spec.scaling.metric, targetPerReplica: spec.scaling.targetPerReplica,
            activationThreshold: spec.scaling.activationThreshold, minReplicas: spec.workers.minReplicas,
            maxReplicas: spec.workers.maxReplicas, cooldownPeriodSeconds: spec.scaling.cooldownPeriodSeconds,
            behavior: spec.scaling.behavior)
    }

    /// What the controller writes to `buraq:{Q}:config` for the workers.
    public var queueSettings: QueueSettings {
        var settings = QueueSettings(
            maxRetries: Int(spec.retry.maxRetries),
            backoffInitialDelayMilliseconds: Int(spec.retry.backoff.initialDelayMilliseconds),
            backoffMaxDelaySeconds: Int(spec.retry.backoff.maxDelaySeconds),
            backoffMultiplier: Int(spec.retry.backoff.multiplier),
            visibilityTimeoutSeconds: Int(spec.visibilityTimeoutSeconds),
            taskTimeoutSeconds: Int(spec.taskTimeoutSeconds), paused: spec.paused,
            deadLetterEnabled: spec.deadLetter.enabled, deadLetterMaxLength: spec.deadLetter.maxLength)
        settings.priorities = spec.priorities
        settings.rateLimitPerSecond = Int(spec.rateLimit?.tasksPerSecond ?? 0)
        settings.rateLimitBurst = Int(spec.rateLimit?.burst ?? 0)
        settings.maxInFlight = Int(spec.maxInFlight)
        settings.maxDeliveries = Int(spec.retry.maxDeliveries)
        return settings
    }

    /// `namespace/name` (or just the name without a namespace), for logs and keys.
    public var namespacedName: String {
        let name = metadata.name ?? ""
        guard let namespace = metadata.namespace, !namespace.isEmpty else { return name }
        return "\(namespace)/\(name)"
    }
}
