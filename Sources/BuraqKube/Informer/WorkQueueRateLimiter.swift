/// client-go's default controller rate limiter: the larger of a per-key exponential backoff
/// (5 ms doubling to 1000 s) and an overall token bucket (10 qps, burst 100). Pure.
public struct WorkQueueRateLimiter<Key: Hashable & Sendable>: Sendable {
    public var baseDelay: Duration
    public var maxDelay: Duration
    private var failures: [Key: Int] = [:]
    private var bucket: TokenBucket

    public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000), qps: Double = 10, burst: Int = 100) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        bucket = TokenBucket(qps: qps, burst: burst)
    }

    /// How long `key` should wait before it is retried (and counts one more failure).
    public mutating func when(_ key: Key, now: Duration) -> Duration {
        let attempts = failures[key, default: 0]
        failures[key] = attempts + 1
        let seconds = baseDelay.seconds * pow(2, Double(attempts))
        let item: Duration = seconds >= maxDelay.seconds ? maxDelay : .nanoseconds(Int64(seconds * 1e9))
        return max(item, bucket.reserve(now: now))
    }

    /// Failures of `key` since the last ``forget(_:)``.
    public func retries(_ key: Key) -> Int { failures[key, default: 0] }

    /// `key` succeeded: its backoff starts over.
    public mutating func forget(_ key: Key) { failures[key] = nil }
}

import BuraqBase
import Glibc
import FoundationEssentials
