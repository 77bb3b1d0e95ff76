/// The sentences of decision messages: the numbers and the rule, in words.
extension Decider {
    static func replicasNoun(_ count: Int32) -> String {
        count == 1 ? "replica" : "replicas"
    }

    private var metricName: String { reading.metric.rawValue }

    func disabledWording() -> String {
        "the target has 0 replicas and minReplicas is \(spec.minReplicas): scaling is disabled until it is scaled up by hand, as the HPA does"
    }

    func outOfRangeWording() -> String {
        let count = current == 1 ? "1 replica is" : "\(current) replicas are"
        return current > spec.maxReplicas
            ? "\(count) above maxReplicas \(spec.maxReplicas)"
            : "\(count) below minReplicas \(spec.minReplicas)"
    }

    func unavailableWording() -> String {
        let missing = reading.missing.joined(separator: " and ")
        let because = missing == metricName ? "" : " (\(missing) unknown)"
        return "\(metricName) unknown\(because): holding the replica count, never scaling on missing data"
    }

    func inactiveWording(value: Int64) -> String {
        "\(metricName) \(value) is not above activation threshold \(spec.activationThreshold)"
    }

    func activationDisabledWording(value: Int64) -> String {
        "\(metricName) \(value) is above activation threshold \(spec.activationThreshold), but scale-up is disabled (selectPolicy Disabled)"
    }

    func activationWording(value: Int64, path: MetricPath, replicas: Int32) -> String {
        var text = "\(metricName) \(value) is above activation threshold \(spec.activationThreshold): activating; "
        text += pathWording(path, value: value)
        if replicas != path.outcome.replicas { text += ", raised to \(replicas) to activate" }
        return text
    }

    func coolingWording(idleMilliseconds: Int64) -> String {
        "queue idle for \(DecimalText.seconds(milliseconds: idleMilliseconds))s of cooldown \(spec.cooldownPeriodSeconds)s before scaling to zero; "
    }

    func zeroWording(idleMilliseconds: Int64) -> String {
        "queue idle (\(metricName) 0, in flight 0) for \(DecimalText.seconds(milliseconds: idleMilliseconds))s, cooldown \(spec.cooldownPeriodSeconds)s has passed"
    }

    /// "backlog 1200 / target 100 per replica = 12 replicas, limited to 8 by scale-up policy Pods 4 per 15s".
    func pathWording(_ path: MetricPath, value: Int64) -> String {
        let proposal = path.proposal
        var text: String
        if proposal.withinTolerance {
            let low = DecimalText.format(1 - behavior.scaleDown.tolerance, places: 3)
            let high = DecimalText.format(1 + behavior.scaleUp.tolerance, places: 3)
            text =
                "\(metricName) \(value) / (target \(spec.targetPerReplica) × \(statusReplicas) replicas) = usage ratio "
                + "\(DecimalText.format(proposal.usageRatio, places: 3)), within tolerance [\(low), \(high)], so \(proposal.replicas) "
                + Self.replicasNoun(proposal.replicas)
        } else {
            text =
                "\(metricName) \(value) / target \(spec.targetPerReplica) per replica = \(proposal.replicas) "
                + Self.replicasNoun(proposal.replicas)
        }
        if path.stabilized > proposal.replicas {
            text += ", held at \(path.stabilized) by the scale-down stabilization window of \(behavior.scaleDown.stabilizationWindowSeconds)s"
        } else if path.stabilized < proposal.replicas {
            text += ", held at \(path.stabilized) by the scale-up stabilization window of \(behavior.scaleUp.stabilizationWindowSeconds)s"
        }
        if path.outcome.replicas != path.stabilized {
            text += ", " + limitWording(path)
        }
        return text
    }

    private func limitWording(_ path: MetricPath) -> String {
        let replicas = path.outcome.replicas
        let direction = path.stabilized > current ? "scale-up" : "scale-down"
        switch path.outcome.bound {
        case .none:
            return "limited to \(replicas)"
        case .policy(let policy):
            return "limited to \(replicas) by \(direction) policy \(policy)"
        case .policiesUsedUp(let policy):
            let named = policy.map { " (\($0))" } ?? ""
            return "held at \(replicas): the \(direction) policies allow no more within their periods\(named)"
        case .disabled:
            return "held at \(replicas): \(direction) is disabled (selectPolicy Disabled)"
        case .maxReplicas:
            return "limited to \(replicas) by maxReplicas"
        case .minReplicas:
            if spec.minReplicas == 0 {
                return "kept at \(replicas): with minReplicas 0 only an idle queue (\(metricName) and in flight 0) scales to zero, after the cooldown"
            }
            return "raised to \(replicas) by minReplicas"
        }
    }
}
