import BuraqScaling
import Testing

struct ReplicaCalculatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var usage: Int64
        var target: Int64
        var status: Int32
        var down: Double = 0.1
        var up: Double = 0.1
        var replicas: Int32
        var within: Bool
        var testDescription: String { "\(usage)/(\(target)×\(status)) tolerance -\(down)/+\(up)" }
    }

    /// Each edge of the band is inside it (the HPA's `isWithin` is inclusive); one unit past it is outside.
    @Test(arguments: [
        Case(usage: 1000, target: 100, status: 10, replicas: 10, within: true),  // ratio 1
        Case(usage: 1100, target: 100, status: 10, replicas: 10, within: true),  // 1.1: upper edge, inside
        Case(usage: 1101, target: 100, status: 10, replicas: 12, within: false),  // 1.101 → ceil(11.01)
        Case(usage: 900, target: 100, status: 10, replicas: 10, within: true),  // 0.9: lower edge, inside
        Case(usage: 899, target: 100, status: 10, replicas: 9, within: false),  // 0.899 → ceil(8.99)
        Case(usage: 1050, target: 100, status: 10, down: 0.2, up: 0.05, replicas: 10, within: true),  // 1.05: upper edge
        Case(usage: 1060, target: 100, status: 10, down: 0.2, up: 0.05, replicas: 11, within: false),
        Case(usage: 800, target: 100, status: 10, down: 0.2, up: 0.05, replicas: 10, within: true),  // 0.8: lower edge
        Case(usage: 799, target: 100, status: 10, down: 0.2, up: 0.05, replicas: 8, within: false),
        Case(usage: 1000, target: 100, status: 10, down: 0, up: 0, replicas: 10, within: true),
        Case(usage: 1001, target: 100, status: 10, down: 0, up: 0, replicas: 11, within: false),
        Case(usage: 999, target: 100, status: 10, down: 0, up: 0, replicas: 10, within: false),  // ceil(9.99) = 10
        // replica_calculator_test.go, per-pod External metrics (milli-units).
        Case(usage: 8600, target: 2150, status: 3, replicas: 4, within: false),  // scale up: 1.33
        Case(usage: 8600, target: 3000, status: 5, replicas: 3, within: false),  // scale down: 0.573
        Case(usage: 8600, target: 2900, status: 3, replicas: 3, within: true),  // 0.989: no scale
        // No pods yet: the ratio is infinite (or NaN for no usage), so the quotient decides.
        Case(usage: 5, target: 100, status: 0, replicas: 1, within: false),
        Case(usage: 0, target: 100, status: 0, replicas: 0, within: false),
        Case(usage: 0, target: 100, status: 4, replicas: 0, within: false),
    ])
    func averageValue(_ c: Case) {
        let proposal = ReplicaCalculator.averageValueReplicas(
            usage: c.usage, targetPerReplica: c.target, statusReplicas: c.status,
            tolerance: Tolerance(scaleDown: c.down, scaleUp: c.up))
        #expect(proposal.replicas == c.replicas)
        #expect(proposal.withinTolerance == c.within)
    }

    @Test func withinToleranceProposesTheStatusReplicas() {
        // scale.status.replicas (8) is what the metric is divided by and what stays, not spec.replicas.
        let proposal = ReplicaCalculator.averageValueReplicas(
            usage: 850, targetPerReplica: 100, statusReplicas: 8, tolerance: Tolerance(scaleDown: 0.1, scaleUp: 0.1))
        #expect(proposal == ReplicaCalculator.Proposal(replicas: 8, usageRatio: 850.0 / 800.0, withinTolerance: true))
    }

    @Test func hugeUsageIsCappedAtInt32Max() {
        let proposal = ReplicaCalculator.averageValueReplicas(
            usage: .max, targetPerReplica: 1, statusReplicas: 1, tolerance: Tolerance(scaleDown: 0.1, scaleUp: 0.1))
        #expect(proposal.replicas == .max)
    }
}
