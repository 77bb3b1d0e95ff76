import BuraqScaling
import Foundation
import Testing

struct BehaviorTests {
    static let hpaUp = ResolvedScalingRules(
        stabilizationWindowSeconds: 0, selectPolicy: .max, policies: [.pods(4, perSeconds: 15), .percent(100, perSeconds: 15)],
        tolerance: 0.1)
    static let hpaDown = ResolvedScalingRules(
        stabilizationWindowSeconds: 300, selectPolicy: .max, policies: [.percent(100, perSeconds: 15)], tolerance: 0.1)

    @Test func autoscalingV2Defaults() {
        let resolved = ScalingBehavior().resolved()
        #expect(resolved == ResolvedScalingBehavior(scaleUp: Self.hpaUp, scaleDown: Self.hpaDown))
        #expect(ScalingBehavior.autoscalingV2Defaults.resolved() == resolved)
        #expect(ResolvedScalingBehavior.autoscalingV2Defaults == resolved)
    }

    @Test func taskQueueDefaults() {
        let preset = ResolvedScalingBehavior.taskQueueDefaults
        #expect(preset.scaleUp == ResolvedScalingRules(stabilizationWindowSeconds: 0, selectPolicy: .max, policies: nil, tolerance: 0.1))
        #expect(preset.scaleDown == ResolvedScalingRules(stabilizationWindowSeconds: 60, selectPolicy: .max, policies: [.percent(100, perSeconds: 15)], tolerance: 0.1))
        #expect(ScalingSpec(targetPerReplica: 10, maxReplicas: 5).resolvedBehavior() == preset)
        #expect(ScalingSpec(targetPerReplica: 10, maxReplicas: 5).resolvedBehavior(whenAbsent: .autoscalingV2Defaults) == .autoscalingV2Defaults)
        #expect(ScalingSpec(targetPerReplica: 10, maxReplicas: 5, behavior: ScalingBehavior()).resolvedBehavior() == .autoscalingV2Defaults)
    }

    struct MergeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var behavior: ScalingBehavior
        var up: ResolvedScalingRules
        var down: ResolvedScalingRules
        var testDescription: String { name }
    }

    /// A written `behavior` takes each absent field from the autoscaling/v2 defaults, field by field.
    @Test(arguments: [
        MergeCase(
            name: "only scale-up policies", behavior: ScalingBehavior(scaleUp: ScalingRules(policies: [.pods(1, perSeconds: 60)])),
            up: ResolvedScalingRules(stabilizationWindowSeconds: 0, selectPolicy: .max, policies: [.pods(1, perSeconds: 60)], tolerance: 0.1),
            down: hpaDown),
        MergeCase(
            name: "only a scale-down window", behavior: ScalingBehavior(scaleDown: ScalingRules(stabilizationWindowSeconds: 10)),
            up: hpaUp,
            down: ResolvedScalingRules(stabilizationWindowSeconds: 10, selectPolicy: .max, policies: [.percent(100, perSeconds: 15)], tolerance: 0.1)),
        MergeCase(
            name: "selectPolicy and tolerance", behavior: ScalingBehavior(scaleUp: ScalingRules(selectPolicy: .min, tolerance: 0.05), scaleDown: ScalingRules(selectPolicy: .disabled)),
            up: ResolvedScalingRules(stabilizationWindowSeconds: 0, selectPolicy: .min, policies: hpaUp.policies, tolerance: 0.05),
            down: ResolvedScalingRules(stabilizationWindowSeconds: 300, selectPolicy: .disabled, policies: hpaDown.policies, tolerance: 0.1)),
        MergeCase(
            name: "scale-up window set", behavior: ScalingBehavior(scaleUp: ScalingRules(stabilizationWindowSeconds: 120)),
            up: ResolvedScalingRules(stabilizationWindowSeconds: 120, selectPolicy: .max, policies: hpaUp.policies, tolerance: 0.1),
            down: hpaDown),
    ])
    func partialBehaviorMergesWithDefaults(_ c: MergeCase) {
        #expect(c.behavior.resolved() == ResolvedScalingBehavior(scaleUp: c.up, scaleDown: c.down))
    }

    @Test func decodesTheHPAFieldNames() throws {
        let json = """
            {"scaleUp": {"stabilizationWindowSeconds": 30, "selectPolicy": "Min",
                         "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60},
                                      {"type": "Percent", "value": 50, "periodSeconds": 30}],
                         "tolerance": "50m"},
             "scaleDown": {"selectPolicy": "Disabled", "tolerance": 0.2}}
            """
        let behavior = try JSONDecoder().decode(ScalingBehavior.self, from: Data(json.utf8))
        #expect(
            behavior
                == ScalingBehavior(
                    scaleUp: ScalingRules(
                        stabilizationWindowSeconds: 30, selectPolicy: .min,
                        policies: [.pods(2, perSeconds: 60), .percent(50, perSeconds: 30)], tolerance: 0.05),
                    scaleDown: ScalingRules(selectPolicy: .disabled, tolerance: 0.2)))
        let again = try JSONDecoder().decode(ScalingBehavior.self, from: JSONEncoder().encode(behavior))
        #expect(again == behavior)
    }

    @Test(arguments: [("\"0.05\"", 0.05), ("\"50m\"", 0.05), ("0.05", 0.05), ("\"1\"", 1.0), ("0", 0.0)])
    func toleranceQuantities(_ text: String, _ value: Double) throws {
        let rules = try JSONDecoder().decode(ScalingRules.self, from: Data("{\"tolerance\": \(text)}".utf8))
        #expect(rules.tolerance == value)
    }

    @Test(arguments: ["\"5%\"", "\"-1\"", "\"1e3\"", "\"\""])
    func badToleranceIsRejected(_ text: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ScalingRules.self, from: Data("{\"tolerance\": \(text)}".utf8))
        }
    }

    @Test func badSelectPolicyIsRejected() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ScalingRules.self, from: Data("{\"selectPolicy\": \"Fastest\"}".utf8))
        }
    }

    @Test func specDecodingFillsDefaults() throws {
        let spec = try JSONDecoder().decode(ScalingSpec.self, from: Data(#"{"targetPerReplica": 250, "maxReplicas": 40}"#.utf8))
        #expect(spec == ScalingSpec(metric: .backlog, targetPerReplica: 250, activationThreshold: 0, minReplicas: 0, maxReplicas: 40, cooldownPeriodSeconds: 60, behavior: nil))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ScalingSpec.self, from: Data(#"{"maxReplicas": 40}"#.utf8))
        }
    }

    @Test func historyRoundTripsThroughJSON() throws {
        let history = ScalingHistory(
            recommendations: [rec(3, 10)], scaleUpEvents: [.init(replicaChange: 2, time: at(-5))],
            scaleDownEvents: [.init(replicaChange: 1, time: at(-1))], idleSince: at(-3))
        let decoded = try JSONDecoder().decode(ScalingHistory.self, from: JSONEncoder().encode(history))
        #expect(decoded == history)
    }
}

struct ValidationTests {
    @Test func aValidSpecHasNoErrors() throws {
        let spec = ScalingSpec(targetPerReplica: 1, minReplicas: 0, maxReplicas: 1, behavior: .autoscalingV2Defaults)
        #expect(spec.validationErrors().isEmpty)
        try spec.validate()
    }

    @Test func everyProblemIsNamed() {
        let behavior = ScalingBehavior(
            scaleUp: ScalingRules(stabilizationWindowSeconds: 3601, policies: [], tolerance: -0.5),
            scaleDown: ScalingRules(policies: [.pods(0, perSeconds: 1801), .percent(10, perSeconds: 0)]))
        let spec = ScalingSpec(
            targetPerReplica: 0, activationThreshold: -1, minReplicas: 5, maxReplicas: 3, cooldownPeriodSeconds: -2,
            behavior: behavior)
        let errors = spec.validationErrors().map(\.description)
        #expect(
            errors == [
                "targetPerReplica: must be at least 1, got 0",
                "activationThreshold: must be 0 or more, got -1",
                "minReplicas: must be less than or equal to `maxReplicas` (3), got 5",
                "cooldownPeriodSeconds: must be 0 or more, got -2",
                "behavior.scaleUp.stabilizationWindowSeconds: must be between 0 and 3600, got 3601",
                "behavior.scaleUp.tolerance: must be 0 or more, got -0.5",
                "behavior.scaleUp.policies: must specify at least one policy",
                "behavior.scaleDown.policies[0].value: must be greater than 0, got 0",
                "behavior.scaleDown.policies[0].periodSeconds: must be between 1 and 1800, got 1801",
                "behavior.scaleDown.policies[1].periodSeconds: must be between 1 and 1800, got 0",
            ])
        #expect(throws: ScalingSpecError(code: .outOfRange, field: "targetPerReplica", message: "must be at least 1, got 0")) {
            try spec.validate()
        }
    }

    @Test func negativeReplicaBounds() {
        let spec = ScalingSpec(targetPerReplica: 5, minReplicas: -1, maxReplicas: 0)
        #expect(spec.validationErrors().map(\.field) == ["minReplicas", "maxReplicas"])
    }
}
