/// The scaling rules of one direction, exactly as autoscaling/v2 `HPAScalingRules`
/// (JSON fields `stabilizationWindowSeconds`, `selectPolicy`, `policies`, `tolerance`).
/// Every field is optional; an absent field takes the autoscaling/v2 default when resolved.
public struct ScalingRules: Sendable, Equatable, Codable {
    /// How far back recommendations are considered, 0...3600 seconds.
    public var stabilizationWindowSeconds: Int32?
    /// How the policies combine (`Max`, `Min`, `Disabled`).
    public var selectPolicy: SelectPolicy?
    /// Rate limits; the API requires at least one when the field is present.
    public var policies: [ScalingPolicy]?
    /// Usage-ratio tolerance for this direction (≥ 0); absent means the cluster default 0.1.
    public var tolerance: Double?

    /// Creates rules; omitted fields take the defaults when resolved.
    public init(
        stabilizationWindowSeconds: Int32? = nil, selectPolicy: SelectPolicy? = nil,
        policies: [ScalingPolicy]? = nil, tolerance: Double? = nil
    ) {
        self.stabilizationWindowSeconds = stabilizationWindowSeconds
        self.selectPolicy = selectPolicy
        self.policies = policies
        self.tolerance = tolerance
    }

    /// autoscaling/v2's scale-up defaults: window 0 s, `Max` of `Pods 4 per 15s` and `Percent 100 per 15s`.
    public static let autoscalingV2ScaleUp = ScalingRules(
        stabilizationWindowSeconds: 0, selectPolicy: .max,
        policies: [.pods(4, perSeconds: 15), .percent(100, perSeconds: 15)])

    /// autoscaling/v2's scale-down defaults: `Max` of `Percent 100 per 15s`. The window is left
    /// unset, as the API does, so the controller's `--horizontal-pod-autoscaler-downscale-stabilization`
    /// (300 s) applies.
    public static let autoscalingV2ScaleDown = ScalingRules(
        stabilizationWindowSeconds: nil, selectPolicy: .max, policies: [.percent(100, perSeconds: 15)])

    /// Each field of `self` that is set, the others from `defaults` (the HPA's `copyHPAScalingRules`).
    public func merged(over defaults: ScalingRules) -> ScalingRules {
        ScalingRules(
            stabilizationWindowSeconds: stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
            selectPolicy: selectPolicy ?? defaults.selectPolicy,
            policies: policies ?? defaults.policies,
            tolerance: tolerance ?? defaults.tolerance)
    }

    enum CodingKeys: String, CodingKey {
        case stabilizationWindowSeconds, selectPolicy, policies, tolerance
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stabilizationWindowSeconds = try container.decodeIfPresent(Int32.self, forKey: .stabilizationWindowSeconds)
        selectPolicy = try container.decodeIfPresent(SelectPolicy.self, forKey: .selectPolicy)
        policies = try container.decodeIfPresent([ScalingPolicy].self, forKey: .policies)
        tolerance = try ToleranceQuantity.decode(from: container, key: .tolerance)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(stabilizationWindowSeconds, forKey: .stabilizationWindowSeconds)
        try container.encodeIfPresent(selectPolicy, forKey: .selectPolicy)
        try container.encodeIfPresent(policies, forKey: .policies)
        try container.encodeIfPresent(tolerance.map(ToleranceQuantity.text), forKey: .tolerance)
    }
}
