import BuraqScaling

/// Keeps Events about one TaskQueue useful: an identical Event (type, reason, message) is not
/// repeated within `dedupSeconds`, and a token bucket (`burst`, one token back every
/// `refillSeconds`) caps how many are emitted, like client-go's event spam filter.
struct EventLimiter: Sendable, Equatable {
    let dedupSeconds: Int64
    let burst: Int
    let refillSeconds: Int64
    private(set) var lastEmitted: [QueueEvent: ScalingTime] = [:]
    private(set) var tokens: Int
    private var refilledAt: ScalingTime?

    init(dedupSeconds: Int64, burst: Int, refillSeconds: Int64) {
        self.dedupSeconds = dedupSeconds
        self.burst = max(1, burst)
        self.refillSeconds = max(1, refillSeconds)
        self.tokens = max(1, burst)
    }

    /// Whether `event` may be emitted at `now`; records it when it may.
    mutating func admit(_ event: QueueEvent, at now: ScalingTime) -> Bool {
        lastEmitted = lastEmitted.filter { now.milliseconds(since: $0.value) < dedupSeconds * 1000 }
        if lastEmitted[event] != nil { return false }
        refill(at: now)
        guard tokens > 0 else { return false }
        tokens -= 1
        lastEmitted[event] = now
        return true
    }

    private mutating func refill(at now: ScalingTime) {
        guard let since = refilledAt else {
            refilledAt = now
            return
        }
        let earned = now.milliseconds(since: since) / (refillSeconds * 1000)
        guard earned > 0 else { return }
        tokens = min(burst, tokens + Int(min(earned, Int64(burst))))
        refilledAt = since.adding(milliseconds: earned * refillSeconds * 1000)
    }
}
