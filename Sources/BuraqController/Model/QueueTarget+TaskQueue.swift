import BuraqAPI
import BuraqRedis

extension QueueTarget {
    /// The target for a TaskQueue, or why it cannot be reconciled: every validation problem
    /// (field paths from the object root) joined in one message, or a Redis setting this build
    /// cannot honour.
    /// - Parameters:
    ///   - namespace: used when the object has none (`local` for files).
    ///   - password: the Redis password from `spec.redis.passwordSecretRef`, when one is named.
    public static func from(_ taskQueue: TaskQueue, namespace: String, password: String? = nil)
        -> Result<QueueTarget, ControllerError>
    {
        let key = TaskQueueKey(
            namespace: taskQueue.metadata.namespace ?? namespace, name: taskQueue.metadata.name ?? "")
        let errors = taskQueue.validationErrors()
        if !errors.isEmpty {
            return .failure(
                ControllerError(
                    code: .invalidSpec,
                    message: "TaskQueue \(key) is invalid: " + errors.map(\.description).joined(separator: "; "),
                    context: ["field": errors[0].path]))
        }
        let redis = taskQueue.spec.redis
        if redis.tls.enabled {
            return .failure(
                ControllerError(
                    code: .invalidSpec,
                    message: "spec.redis.tls.enabled: TLS to Redis is not supported by this build (hiredis 0.14); use a TLS proxy such as stunnel and point spec.redis.address at it",
                    context: ["field": "spec.redis.tls.enabled"]))
        }
        var url = "redis://"
        if let password { url += ":\(percentEncoded(password))@" }
        url += "\(redis.address)/\(redis.database)"
        return .success(
            QueueTarget(
                key: key, generation: taskQueue.metadata.generation ?? 1, redisURL: url, queue: taskQueue.spec.queue,
                consumerGroup: taskQueue.spec.consumerGroup, scaling: taskQueue.scalingSpec,
                settings: taskQueue.queueSettings, pollingIntervalSeconds: taskQueue.spec.scaling.pollingIntervalSeconds,
                scaleTargetName: taskQueue.spec.workers.scaleTargetRef.name))
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
