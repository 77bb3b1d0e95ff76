/// A token bucket: `rate` tokens a second up to `burst`; each request takes one.
/// Pure state: the caller passes the time (ms), so tests need no clock.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Int64

    public init(rate: Double, burst: Double, now: Int64) {
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.updatedAt = now
    }

    /// Takes `cost` tokens at `now`. Returns nil when taken, else the seconds until enough
    /// tokens are there (at least 1, rounded up: what `Retry-After` says).
    public mutating func take(_ cost: Double = 1, now: Int64) -> Int? {
        if now > updatedAt {
            tokens = min(burst, tokens + Double(now - updatedAt) / 1000 * rate)
            updatedAt = now
        }
        if tokens >= cost {
            tokens -= cost
            return nil
        }
        let seconds = rate > 0 ? (cost - tokens) / rate : 60
        return max(1, Int(seconds.rounded(.up)))
    }
}
