/// Scaling behaviour in the exact shape of autoscaling/v2 `HorizontalPodAutoscalerBehavior`
/// (JSON fields `scaleUp`, `scaleDown`). A TaskQueue that writes a `behavior` gets the HPA's
/// semantics for it: whatever it leaves out takes the autoscaling/v2 default.
public struct ScalingBehavior: Sendable, Equatable, Codable {
    /// Rules for scaling up; absent means `ScalingRules.autoscalingV2ScaleUp`.
    public var scaleUp: ScalingRules?
    /// Rules for scaling down; absent means `ScalingRules.autoscalingV2ScaleDown`.
    public var scaleDown: ScalingRules?

    /// Creates a behaviour; omitted directions take the autoscaling/v2 defaults.
    public init(scaleUp: ScalingRules? = nil, scaleDown: ScalingRules? = nil) {
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
    }

    /// The autoscaling/v2 defaults written out in full (what `kubectl get hpa -o yaml` shows
    /// for `behavior: {}`). Choose it to get the plain HPA's behaviour for a TaskQueue.
    public static let autoscalingV2Defaults = ScalingBehavior(
        scaleUp: .autoscalingV2ScaleUp, scaleDown: .autoscalingV2ScaleDown)

    /// Every field filled in: absent fields from the autoscaling/v2 defaults, an absent scale-down
    /// window from `defaultScaleDownStabilizationSeconds` (the HPA controller flag, 300 s) and an
    /// absent tolerance from `defaultTolerance` (the HPA controller flag, 0.1).
    public func resolved(
        defaultTolerance: Double = 0.1, defaultScaleDownStabilizationSeconds: Int32 = 300
    ) -> ResolvedScalingBehavior {
        let up = (scaleUp ?? ScalingRules()).merged(over: .autoscalingV2ScaleUp)
        let down = (scaleDown ?? ScalingRules()).merged(over: .autoscalingV2ScaleDown)
        return ResolvedScalingBehavior(
            scaleUp: ResolvedScalingRules(
                stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0,
                selectPolicy: up.selectPolicy ?? .max,
                policies: up.policies ?? [],
                tolerance: up.tolerance ?? defaultTolerance),
            scaleDown: ResolvedScalingRules(
                stabilizationWindowSeconds: down.stabilizationWindowSeconds ?? defaultScaleDownStabilizationSeconds,
                selectPolicy: down.selectPolicy ?? .max,
                policies: down.policies ?? [],
                tolerance: down.tolerance ?? defaultTolerance))
    }
}
