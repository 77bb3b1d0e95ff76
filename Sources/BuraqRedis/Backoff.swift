import BuraqBase

/// Exponential backoff with "equal jitter": attempt n waits between half and all of
/// `min(maxDelay, initialDelay * multiplier^(n-1))`, so delays grow while retries spread out.
public struct Backoff: Sendable, Hashable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double

    public init(initialDelay: Duration, maxDelay: Duration, multiplier: Double = 2) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = max(1, multiplier)
    }

    /// The reconnect policy of ``RedisClient``: 50 ms doubling up to `maxDelay`.
    public static func reconnect(maxDelay: Duration) -> Backoff {
        Backoff(initialDelay: .milliseconds(50), maxDelay: maxDelay)
    }

    /// The delay before attempt `attempt` (1-based), with jitter from `random` in [0, 1).
    public func delay(forAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let cap = ceiling(forAttempt: attempt)
        return cap * (0.5 + 0.5 * random)
    }

    /// The delay before attempt `attempt` without jitter (the upper bound).
    public func ceiling(forAttempt attempt: Int) -> Duration {
        let initial = initialDelay.seconds
        let maximum = maxDelay.seconds
        let exponent = Double(max(0, attempt - 1))
        let raw = initial * pow(multiplier, exponent)
        let seconds = raw.isFinite ? min(maximum, raw) : maximum
        return .nanoseconds(Int64(seconds * 1e9))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
