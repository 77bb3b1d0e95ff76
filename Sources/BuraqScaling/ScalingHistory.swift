/// What the autoscaler remembers between decisions for one queue: past recommendations (for the
/// stabilization windows), past scale events (for the rate-limit policies) and since when the
/// queue has been idle (for the cooldown to zero). The HPA keeps the same in memory per HPA.
///
/// Pass the `history` of each decision into the next one. Start with `ScalingHistory()`: the
/// first decision seeds it with the current replica count, as the HPA does the first time it
/// sees an HPA. Each decision prunes what no window or period can count any more, always keeping
/// the newest recommendation so a pruned history is never mistaken for a new one, and drops the
/// recommendations that newer ones outrank in both windows (see `dropRedundantRecommendations`),
/// so a history stays a few entries long where the HPA keeps one per decision.
public struct ScalingHistory: Sendable, Equatable, Codable {
    /// One unstabilized recommendation: what the metric asked for at `time`.
    public struct Recommendation: Sendable, Equatable, Codable {
        /// Replicas recommended.
        public var replicas: Int32
        /// When.
        public var time: ScalingTime

        /// Creates a recommendation.
        public init(replicas: Int32, time: ScalingTime) {
            self.replicas = replicas
            self.time = time
        }
    }

    /// One change of the replica count.
    public struct ScaleEvent: Sendable, Equatable, Codable {
        /// How many replicas were added (in `scaleUpEvents`) or removed (in `scaleDownEvents`); positive.
        public var replicaChange: Int32
        /// When.
        public var time: ScalingTime

        /// Creates an event.
        public init(replicaChange: Int32, time: ScalingTime) {
            self.replicaChange = replicaChange
            self.time = time
        }
    }

    /// Recommendations, oldest first.
    public var recommendations: [Recommendation]
    /// Scale-ups, oldest first.
    public var scaleUpEvents: [ScaleEvent]
    /// Scale-downs, oldest first.
    public var scaleDownEvents: [ScaleEvent]
    /// Since when the queue has been idle without interruption (`nil`: not idle, or unknown).
    public var idleSince: ScalingTime?

    /// Creates a history; the default is an empty one for a queue not seen before.
    public init(
        recommendations: [Recommendation] = [], scaleUpEvents: [ScaleEvent] = [],
        scaleDownEvents: [ScaleEvent] = [], idleSince: ScalingTime? = nil
    ) {
        self.recommendations = recommendations
        self.scaleUpEvents = scaleUpEvents
        self.scaleDownEvents = scaleDownEvents
        self.idleSince = idleSince
    }

    /// Replicas added by scale-ups younger than `seconds` at `now`.
    public func replicasAdded(inLast seconds: Int32, at now: ScalingTime) -> Int64 {
        Self.sum(scaleUpEvents, inLast: seconds, at: now)
    }

    /// Replicas removed by scale-downs younger than `seconds` at `now`.
    public func replicasRemoved(inLast seconds: Int32, at now: ScalingTime) -> Int64 {
        Self.sum(scaleDownEvents, inLast: seconds, at: now)
    }

    private static func sum(_ events: [ScaleEvent], inLast seconds: Int32, at now: ScalingTime) -> Int64 {
        events.reduce(0) { total, event in
            event.time.isInWindow(seconds: seconds, endingAt: now) ? total + Int64(event.replicaChange) : total
        }
    }

    /// Seeds an empty history with `replicas` at `now` (the HPA's `recordInitialRecommendation`).
    mutating func seedIfEmpty(replicas: Int32, at now: ScalingTime) {
        if recommendations.isEmpty { recommendations.append(Recommendation(replicas: replicas, time: now)) }
    }

    /// Records an unstabilized recommendation and drops the older ones it makes redundant.
    mutating func record(recommendation replicas: Int32, at now: ScalingTime) {
        recommendations.append(Recommendation(replicas: replicas, time: now))
        dropRedundantRecommendations()
    }

    /// Drops every recommendation that can no longer change a stabilization result.
    ///
    /// Both windows end at the decision time, so a recommendation that is no older than another
    /// stays in every window at least as long. An older recommendation therefore stops mattering
    /// once there is a newer one at least as high (which wins the scale-down window's maximum in
    /// its place) and a newer one at least as low (which wins the scale-up window's minimum).
    /// What remains are the suffix maxima and minima: at most two entries per distinct replica
    /// count, instead of one per decision over the longest window (300 at a 1 s interval with the
    /// HPA's default 300 s window). A newer recommendation only counts when it is also no earlier
    /// in time, so a clock that stepped back never drops one that still matters.
    mutating func dropRedundantRecommendations() {
        guard recommendations.count > 1 else { return }
        var highestNewer = Int32.min
        var lowestNewer = Int32.max
        var earliestNewer = Int64.max
        var redundant: [Int] = []
        for index in recommendations.indices.reversed() {
            let recommendation = recommendations[index]
            if highestNewer >= recommendation.replicas, lowestNewer <= recommendation.replicas,
                earliestNewer >= recommendation.time.milliseconds
            {
                redundant.append(index)
            } else {
                highestNewer = max(highestNewer, recommendation.replicas)
                lowestNewer = min(lowestNewer, recommendation.replicas)
                earliestNewer = min(earliestNewer, recommendation.time.milliseconds)
            }
        }
        // `redundant` is in descending order, so each removal leaves the next index valid.
        for index in redundant { recommendations.remove(at: index) }
    }

    /// Records a change of the replica count from `old` to `new` (nothing when equal).
    mutating func recordScale(from old: Int32, to new: Int32, at now: ScalingTime) {
        if new > old {
            scaleUpEvents.append(ScaleEvent(replicaChange: new - old, time: now))
        } else if new < old {
            scaleDownEvents.append(ScaleEvent(replicaChange: old - new, time: now))
        }
    }

    /// Tracks idleness: starts the idle clock on the first idle reading, stops it otherwise.
    mutating func observe(idle: Bool, at now: ScalingTime) {
        if !idle {
            idleSince = nil
        } else if idleSince == nil {
            idleSince = now
        }
    }

    /// Drops what no window or period of `behavior` can count at `now` or later.
    mutating func prune(for behavior: ResolvedScalingBehavior, at now: ScalingTime) {
        let newest = recommendations.max { $0.time < $1.time }
        let window = behavior.recommendationRetentionSeconds
        recommendations.removeAll { !$0.time.isInWindow(seconds: window, endingAt: now) }
        if recommendations.isEmpty, let newest { recommendations = [newest] }
        let period = behavior.eventRetentionSeconds
        scaleUpEvents.removeAll { !$0.time.isInWindow(seconds: period, endingAt: now) }
        scaleDownEvents.removeAll { !$0.time.isInWindow(seconds: period, endingAt: now) }
    }
}
