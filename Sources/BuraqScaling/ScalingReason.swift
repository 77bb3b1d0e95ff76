/// The rule that decided or bounded a replica count. The first five are the HPA's
/// `ScalingLimited` reasons with the same meaning; the rest are Buraq's own.
public enum ScalingReason: String, Sendable, Codable, CaseIterable {
    /// Scale-up was capped by the scale-up policies (or `selectPolicy: Disabled`).
    case scaleUpLimit = "ScaleUpLimit"
    /// Scale-down was floored by the scale-down policies (or `selectPolicy: Disabled`).
    case scaleDownLimit = "ScaleDownLimit"
    /// Capped at `maxReplicas`, including bringing a count above it back down.
    case tooManyReplicas = "TooManyReplicas"
    /// Raised to `minReplicas` (or to 1 while work remains with `minReplicas` 0), including
    /// bringing a count below it back up.
    case tooFewReplicas = "TooFewReplicas"
    /// The (stabilized) desired count needed no limiting.
    case desiredWithinRange = "DesiredWithinRange"
    /// Scaled up from zero because the metric exceeded the activation threshold.
    case activated = "Activated"
    /// Scaled to zero after the cooldown, or staying at zero with nothing to do.
    case scaledToZero = "ScaledToZero"
    /// Idle, waiting for the cooldown to pass before scaling to zero.
    case coolingDown = "CoolingDown"
    /// The metric is unknown: the replica count is held, never scaled to zero on missing data.
    case metricsUnavailable = "MetricsUnavailable"
    /// The target has zero replicas while `minReplicas` is above zero: like the HPA, leave it
    /// alone (someone scaled it to zero on purpose).
    case scalingDisabled = "ScalingDisabled"
}
