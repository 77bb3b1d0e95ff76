import BuraqScaling


/// A fixed "now" far from the origin, so times in the past stay positive.
let now = ScalingTime.seconds(1_000_000)

/// `now` moved by `seconds`.
func at(_ seconds: Int64) -> ScalingTime {
    now.adding(seconds: seconds)
}

/// The HPA tests' `generateScalingRules`: a `Pods` and/or `Percent` policy (0 leaves it out), `Max`.
func rules(pods: Int32 = 0, podsPeriod: Int32 = 0, percent: Int32 = 0, percentPeriod: Int32 = 0, window: Int32 = 0)
    -> ScalingRules
{
    var policies: [ScalingPolicy] = []
    if pods != 0 { policies.append(.pods(pods, perSeconds: podsPeriod)) }
    if percent != 0 { policies.append(.percent(percent, perSeconds: percentPeriod)) }
    return ScalingRules(stabilizationWindowSeconds: window, selectPolicy: .max, policies: policies)
}

/// The HPA tests' `generateEventsUniformDistribution`: events spread evenly over the last
/// `seconds`, each in the middle of its segment.
func spread(_ changes: [Int32], over seconds: Int64) -> [ScalingHistory.ScaleEvent] {
    let segment = Double(seconds) / Double(changes.count)
    return changes.enumerated().map { index, change in
        let age = Double(seconds) - segment * Double(index + 1) + segment / 2
        return ScalingHistory.ScaleEvent(replicaChange: change, time: now.adding(milliseconds: -Int64(age * 1000)))
    }
}

/// A recommendation `secondsAgo` before `now`.
func rec(_ replicas: Int32, _ secondsAgo: Int64) -> ScalingHistory.Recommendation {
    ScalingHistory.Recommendation(replicas: replicas, time: at(-secondsAgo))
}

/// Queue figures with a known backlog (all lag) and in-flight count.
func backlog(_ value: Int64, inFlight: Int64 = 0) -> QueueMetrics {
    QueueMetrics(lag: value, pending: 0, length: value, scheduled: 0, inFlight: inFlight)
}
