/// Both directions' rules with every value decided, and the two presets.
public struct ResolvedScalingBehavior: Sendable, Equatable {
    /// Rules for scaling up.
    public var scaleUp: ResolvedScalingRules
    /// Rules for scaling down.
    public var scaleDown: ResolvedScalingRules

    /// Creates a resolved behaviour.
    public init(scaleUp: ResolvedScalingRules, scaleDown: ResolvedScalingRules) {
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
    }

    /// The TaskQueue's own defaults, used when a TaskQueue has no `behavior`: a queue backlog is a
    /// precise signal, so scale up straight to the desired count (no stabilization, no rate
    /// limit) and scale down after a 60 s stabilization window at up to 100 % per 15 s.
    /// Tolerance 0.1 both ways, as the HPA.
    public static let taskQueueDefaults = ResolvedScalingBehavior(
        scaleUp: ResolvedScalingRules(
            stabilizationWindowSeconds: 0, selectPolicy: .max, policies: nil, tolerance: 0.1),
        scaleDown: ResolvedScalingRules(
            stabilizationWindowSeconds: 60, selectPolicy: .max, policies: [.percent(100, perSeconds: 15)],
            tolerance: 0.1))

    /// The plain HPA's defaults (autoscaling/v2 defaults with the controller's 300 s scale-down
    /// window and 0.1 tolerance).
    public static let autoscalingV2Defaults = ScalingBehavior().resolved()

    /// How long recommendations matter: the longer stabilization window.
    var recommendationRetentionSeconds: Int32 {
        max(scaleUp.stabilizationWindowSeconds, scaleDown.stabilizationWindowSeconds)
    }

    /// How long scale events matter: the longest policy period of either direction (the scale-up
    /// limit counts scale-down events too, and the other way round).
    var eventRetentionSeconds: Int32 {
        max(scaleUp.longestPolicyPeriodSeconds, scaleDown.longestPolicyPeriodSeconds)
    }
}
