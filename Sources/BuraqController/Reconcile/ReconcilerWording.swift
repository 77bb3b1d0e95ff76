import BuraqAPI
import BuraqQueue
import BuraqScaling
import Logging

/// Conditions and log lines: the sentences a person reads, with the numbers behind them.
extension Reconciler {
    func conditions(for poll: Poll, replicas: Int32?, retryIn: Duration, now: ScalingTime) -> [Condition] {
        let target = poll.target
        let generation = target.generation
        let retry = " Retrying in \(Self.seconds(retryIn))."
        let workload = "\(target.scaleTargetName)"
        var result: [Condition] = []

        // Ready: the queue is read and the workload managed.
        if let first = poll.problems.first(where: { $0.code != .workersCrashing }) {
            let hold = replicas.map { " Holding \($0) \($0 == 1 ? "replica" : "replicas")." } ?? ""
            result.append(
                condition(TaskQueueCondition.ready, .false, first.code.rawValue, first.message + hold + retry, generation: generation, now: now))
        } else {
            let count = replicas.map { "\($0)" } ?? "?"
            result.append(
                condition(
                    TaskQueueCondition.ready, .true, "Reconciled",
                    "Reading queue '\(target.queue)' every \(target.pollingIntervalSeconds)s and scaling \(workload) (\(count) replicas)",
                    generation: generation, now: now))
        }

        // Active: there is work.
        if target.settings.paused {
            result.append(
                condition(
                    TaskQueueCondition.active, .false, "Paused",
                    "spec.paused is true: workers take no tasks and the replica count is held; set it to false to resume",
                    generation: generation, now: now))
        } else if let stats = poll.stats {
            let reading = QueueMetrics(lag: stats.lag, pending: stats.pending, length: stats.length)
                .reading(for: target.scaling.metric)
            let metric = target.scaling.metric.rawValue
            if let value = reading.value {
                let figures = "\(metric) \(value) (lag \(stats.lag.map(String.init) ?? "unknown"), pending \(stats.pending))"
                if value > target.scaling.activationThreshold || (reading.inFlight ?? 0) > 0 {
                    result.append(
                        condition(
                            TaskQueueCondition.active, .true, "QueueHasWork",
                            "\(figures); activation threshold \(target.scaling.activationThreshold)",
                            generation: generation, now: now))
                } else {
                    result.append(
                        condition(
                            TaskQueueCondition.active, .false, "QueueIdle",
                            "\(figures) is not above activation threshold \(target.scaling.activationThreshold) and nothing is in flight",
                            generation: generation, now: now))
                }
            } else {
                result.append(
                    condition(
                        TaskQueueCondition.active, .unknown, "MetricsUnavailable",
                        "\(metric) unknown: Redis reports no lag for the group (entries were deleted or the group was moved with XGROUP SETID)",
                        generation: generation, now: now))
            }
        } else {
            result.append(
                condition(TaskQueueCondition.active, .unknown, "MetricsUnavailable", "The queue could not be read", generation: generation, now: now))
        }

        // ScalingLimited: the decision's own reason and sentence.
        if let decision = poll.decision {
            result.append(
                condition(
                    TaskQueueCondition.scalingLimited, decision.isLimited ? .true : .false, decision.reason.rawValue, decision.message,
                    generation: generation, now: now))
        } else if target.settings.paused {
            result.append(
                condition(TaskQueueCondition.scalingLimited, .false, "Paused", "Not scaling while paused", generation: generation, now: now))
        } else {
            let reason = poll.problems.first?.code.rawValue ?? "NoDecision"
            result.append(
                condition(
                    TaskQueueCondition.scalingLimited, .unknown, reason, "No decision: the workload's scale could not be read",
                    generation: generation, now: now))
        }

        // Degraded: anything a person should look at.
        if let first = poll.problems.first {
            let all = poll.problems.map(\.message).joined(separator: " ")
            result.append(condition(TaskQueueCondition.degraded, .true, first.code.rawValue, all + retry, generation: generation, now: now))
        } else {
            result.append(
                condition(TaskQueueCondition.degraded, .false, "AsExpected", "No problems in the last poll", generation: generation, now: now))
        }
        return result
    }

    /// Whether a decision is logged at `info`: the count or the reason changed, or it scales.
    func decisionIsNews(_ decision: ScalingDecision) -> Bool {
        decision.isScaling
            || lastLogged.map { $0.replicas != decision.replicas || $0.reason != decision.reason.rawValue } ?? true
    }

    /// One line per decision: info when the count or the reason changes, debug otherwise.
    mutating func decisionLog(_ poll: Poll, decision: ScalingDecision, scaled: Bool, now: ScalingTime) -> LogLine {
        let target = poll.target
        var metadata: [String: String] = [
            "taskQueue": key.description,
            "queue": target.queue,
            "scaleTarget": target.scaleTargetName,
            "metric": decision.metric.rawValue,
            "metricValue": decision.metricValue.map(String.init) ?? "unknown",
            "targetPerReplica": "\(target.scaling.targetPerReplica)",
            "activationThreshold": "\(target.scaling.activationThreshold)",
            "minReplicas": "\(target.scaling.minReplicas)",
            "maxReplicas": "\(target.scaling.maxReplicas)",
            "currentReplicas": "\(decision.currentReplicas)",
            "replicas": "\(decision.replicas)",
            "reason": decision.reason.rawValue,
            "limited": "\(decision.isLimited)",
            "detail": decision.message,
        ]
        if let desired = decision.desiredReplicas { metadata["desiredReplicas"] = "\(desired)" }
        if let stabilized = decision.stabilizedReplicas { metadata["stabilizedReplicas"] = "\(stabilized)" }
        if let status = poll.scale?.statusReplicas { metadata["statusReplicas"] = "\(status)" }
        if let stats = poll.stats {
            metadata["lag"] = stats.lag.map(String.init) ?? "unknown"
            metadata["pending"] = "\(stats.pending)"
            metadata["length"] = "\(stats.length)"
            metadata["scheduled"] = "\(stats.scheduled)"
            metadata["deadLetters"] = "\(stats.deadLetters)"
        }
        if let idleSince = decision.history.idleSince {
            metadata["idleSeconds"] = Self.seconds(.milliseconds(now.milliseconds(since: idleSince))).dropLast().description
        }
        let news = decisionIsNews(decision)
        lastLogged = (decision.replicas, decision.reason.rawValue)
        let message = scaled ? "Scaled workers" : decision.isScaling ? "Scaling decision not applied" : "Holding workers"
        return LogLine(level: news ? .info : .debug, message: message, metadata: metadata)
    }

    func problemLog(_ problem: ControllerError, target: QueueTarget, retryIn: Duration, level: Logger.Level) -> LogLine {
        var metadata = problem.context
        metadata["taskQueue"] = key.description
        metadata["queue"] = target.queue
        metadata["reason"] = problem.code.rawValue
        metadata["detail"] = problem.message
        metadata["retryInSeconds"] = Self.seconds(retryIn)
        return LogLine(level: level, message: "Reconcile problem", metadata: metadata)
    }

    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms / 1000).\(ms % 1000 / 100)s"
    }
}
