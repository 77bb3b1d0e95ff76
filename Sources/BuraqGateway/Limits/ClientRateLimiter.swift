import BuraqQueue
import Synchronization

/// Per-client rate limiting: one ``TokenBucket`` per client name, created on first use.
/// Buckets idle long enough to be full again are dropped, so the table stays small.
public final class ClientRateLimiter: Sendable {
    /// Requests a second per client; 0 disables the limit.
    public let rate: Double
    /// Requests a client may make at once before the rate applies.
    public let burst: Double
    private let clock: any WallClock
    private let buckets = Mutex<[String: TokenBucket]>([:])

    public init(rate: Double, burst: Double? = nil, clock: any WallClock = SystemWallClock()) {
        self.rate = rate
        self.burst = burst ?? max(1, rate)
        self.clock = clock
    }

    /// Takes `cost` tokens (tasks) for `client`: nil when allowed, else the `Retry-After` seconds.
    public func admit(_ client: String, cost: Double = 1) -> Int? {
        guard rate > 0 else { return nil }
        let now = clock.nowMilliseconds()
        return buckets.withLock { table in
            if table.count > 10_000 {
                let refill = Int64(burst / rate * 1000)
                table = table.filter { now - $0.value.updatedAt < refill }
            }
            var bucket = table[client] ?? TokenBucket(rate: rate, burst: burst, now: now)
            // A batch larger than the bucket can never pass whole: charge what the bucket holds.
            let wait = bucket.take(min(cost, burst), now: now)
            table[client] = bucket
            return wait
        }
    }
}
