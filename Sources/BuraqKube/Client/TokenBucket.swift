import BuraqBase

/// A token bucket, client-go's `flowcontrol` rate limiter: `qps` tokens a second, at most `burst` saved.
///
/// Pure: the caller passes the time, and gets how long to wait before its request may go.
public struct TokenBucket: Sendable, Hashable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: Duration?

    public init(qps: Double, burst: Int) {
        self.qps = max(qps, 0.001)
        self.burst = max(burst, 1)
        tokens = Double(self.burst)
    }

    /// Takes one token at `now` (time since any fixed origin); returns the wait before using it.
    public mutating func reserve(now: Duration) -> Duration {
        let seconds = now.seconds
        if let last {
            tokens = min(Double(burst), tokens + (seconds - last.seconds) * qps)
        }
        last = now
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .nanoseconds(Int64(-tokens / qps * 1e9))
    }
}
