/// The scaling decision for one queue at one moment: a pure function of plain values.
///
/// It follows the Kubernetes HPA for an External metric with an `AverageValue` target under
/// autoscaling/v2 `behavior` (reconcile order, tolerance, stabilization windows, rate-limit
/// policies, min/max clamping, the bypasses when the count is already outside [min, max]), and
/// adds KEDA-style scale to and from zero when `minReplicas` is 0. docs/scaling.md explains
/// every rule with a worked example.
public enum Autoscaler: Sendable {
    /// Decides the replica count from the queue's figures.
    ///
    /// - Parameters:
    ///   - metrics: the queue's figures; unknown ones are `nil`.
    ///   - spec: the TaskQueue's scaling spec (assumed valid, see `ScalingSpec.validate()`).
    ///   - currentReplicas: the target's replica count now (`scale.spec.replicas`).
    ///   - history: the previous decision's `history`, or `ScalingHistory()` the first time.
    ///   - now: the time of this decision, on the same clock as `history`.
    ///   - statusReplicas: the replicas that exist (`scale.status.replicas`), which the HPA divides
    ///     the metric by; defaults to `currentReplicas`.
    public static func decide(
        metrics: QueueMetrics, spec: ScalingSpec, currentReplicas: Int32, history: ScalingHistory,
        now: ScalingTime, statusReplicas: Int32? = nil
    ) -> ScalingDecision {
        decide(
            reading: metrics.reading(for: spec.metric), spec: spec, currentReplicas: currentReplicas,
            history: history, now: now, statusReplicas: statusReplicas)
    }

    /// Decides the replica count from a metric value already chosen (the simulator's entry point).
    public static func decide(
        reading: MetricReading, spec: ScalingSpec, currentReplicas: Int32, history: ScalingHistory,
        now: ScalingTime, statusReplicas: Int32? = nil
    ) -> ScalingDecision {
        var decider = Decider(
            spec: spec, behavior: spec.resolvedBehavior(), reading: reading, current: currentReplicas,
            statusReplicas: statusReplicas ?? currentReplicas, now: now, history: history)
        return decider.run()
    }
}

/// One decision in progress.
struct Decider {
    let spec: ScalingSpec
    let behavior: ResolvedScalingBehavior
    let reading: MetricReading
    let current: Int32
    let statusReplicas: Int32
    let now: ScalingTime
    var history: ScalingHistory

    /// The HPA's metric path: proposal, stabilization, limits.
    struct MetricPath {
        var proposal: ReplicaCalculator.Proposal
        var stabilized: Int32
        var outcome: RateLimiter.Outcome
        var floor: Int32
    }

    mutating func run() -> ScalingDecision {
        history.seedIfEmpty(replicas: current, at: now)
        history.observe(idle: reading.isIdle, at: now)

        // The HPA's bypasses come before any metric is read.
        if current == 0 && spec.minReplicas > 0 {
            return finish(0, .scalingDisabled, disabledWording())
        }
        if current > spec.maxReplicas {
            return finish(spec.maxReplicas, .tooManyReplicas, outOfRangeWording(), limited: true)
        }
        if current < spec.minReplicas {
            return finish(spec.minReplicas, .tooFewReplicas, outOfRangeWording(), limited: true)
        }
        guard let value = reading.value else {
            return finish(current, .metricsUnavailable, unavailableWording())
        }
        if spec.minReplicas == 0 && current == 0 {
            return fromZero(value: value)
        }
        let path = metricPath(value: value, floor: max(spec.minReplicas, 1))
        if spec.minReplicas == 0, reading.isIdle, let idleSince = history.idleSince {
            let idleMilliseconds = now.milliseconds(since: idleSince)
            if idleMilliseconds < Int64(spec.cooldownPeriodSeconds) * 1000 {
                return finish(
                    path.outcome.replicas, .coolingDown,
                    coolingWording(idleMilliseconds: idleMilliseconds) + pathWording(path, value: value),
                    limited: path.outcome.replicas != path.stabilized, path: path)
            }
            if behavior.scaleDown.selectPolicy != .disabled {
                return finish(0, .scaledToZero, zeroWording(idleMilliseconds: idleMilliseconds), path: path)
            }
        }
        return finish(
            path.outcome.replicas, path.outcome.reason, pathWording(path, value: value),
            limited: path.outcome.replicas != path.stabilized, path: path)
    }

    /// `minReplicas` 0 and no replicas: activate above the threshold, else stay at zero.
    private mutating func fromZero(value: Int64) -> ScalingDecision {
        if value <= spec.activationThreshold {
            return finish(0, .scaledToZero, inactiveWording(value: value))
        }
        if behavior.scaleUp.selectPolicy == .disabled {
            return finish(0, .scaleUpLimit, activationDisabledWording(value: value), limited: true)
        }
        let path = metricPath(value: value, floor: 1)
        let replicas = min(max(path.outcome.replicas, 1), max(spec.maxReplicas, 1))
        return finish(
            replicas, .activated, activationWording(value: value, path: path, replicas: replicas),
            limited: path.outcome.replicas != path.stabilized, path: path)
    }

    /// Proposal from the metric, stabilization (recording the unstabilized proposal), then limits.
    private mutating func metricPath(value: Int64, floor: Int32) -> MetricPath {
        let proposal = ReplicaCalculator.averageValueReplicas(
            usage: value, targetPerReplica: spec.targetPerReplica, statusReplicas: statusReplicas,
            tolerance: Tolerance(scaleDown: behavior.scaleDown.tolerance, scaleUp: behavior.scaleUp.tolerance))
        let stabilized = Stabilizer.stabilize(
            desired: proposal.replicas, current: current, recommendations: history.recommendations,
            scaleUpWindowSeconds: behavior.scaleUp.stabilizationWindowSeconds,
            scaleDownWindowSeconds: behavior.scaleDown.stabilizationWindowSeconds, now: now)
        history.record(recommendation: proposal.replicas, at: now)
        let outcome = RateLimiter.limit(
            desired: stabilized, current: current, minReplicas: floor, maxReplicas: spec.maxReplicas,
            behavior: behavior, history: history, now: now)
        return MetricPath(proposal: proposal, stabilized: stabilized, outcome: outcome, floor: floor)
    }

    /// Records the scale event, prunes the history and builds the decision.
    private mutating func finish(
        _ replicas: Int32, _ reason: ScalingReason, _ wording: String, limited: Bool = false,
        path: MetricPath? = nil
    ) -> ScalingDecision {
        history.recordScale(from: current, to: replicas, at: now)
        history.prune(for: behavior, at: now)
        let change =
            replicas == current
            ? "keeping \(current) \(Self.replicasNoun(current))"
            : "scaling from \(current) to \(replicas) \(Self.replicasNoun(replicas))"
        return ScalingDecision(
            replicas: replicas, currentReplicas: current, reason: reason, message: "\(wording); \(change)",
            metric: reading.metric, metricValue: reading.value, desiredReplicas: path?.proposal.replicas,
            stabilizedReplicas: path?.stabilized, isLimited: limited, history: history)
    }
}
