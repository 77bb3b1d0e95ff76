import BuraqScaling
import Foundation
import Testing

struct SimulatorTests {
    static func fixture() throws -> [TraceSample] {
        let url = try #require(Bundle.module.url(forResource: "bursty", withExtension: "csv", subdirectory: "Fixtures"))
        return try TraceParser.parse(String(contentsOf: url, encoding: .utf8), source: "bursty.csv")
    }

    static let queueSpec = ScalingSpec(targetPerReplica: 250, minReplicas: 0, maxReplicas: 40, cooldownPeriodSeconds: 60)

    func step(_ result: SimulationResult, at second: Int64) throws -> SimulationStep {
        try #require(result.steps.first { $0.time == .seconds(second) })
    }

    @Test func theFixtureParses() throws {
        let samples = try Self.fixture()
        #expect(samples.count == 600)
        #expect(samples.count { $0.backlog == nil } == 3)
        #expect(samples.first == TraceSample(time: .seconds(0), backlog: 0, inFlight: 0))
    }

    @Test func taskQueueDefaultsOnTheBurstyTrace() throws {
        let result = try Simulator(spec: Self.queueSpec).run(Self.fixture())
        #expect(result.steps.count == 600)
        #expect(try step(result, at: 0).reason == .scaledToZero)
        #expect(try step(result, at: 29).replicas == 0)
        let activation = try step(result, at: 30)
        #expect(activation.reason == .activated)
        #expect(activation.replicas == 1)
        // Steady load: 1 replica; the burst is followed at once, with no rate limit.
        #expect(result.steps.filter { (31...119).contains($0.time.milliseconds / 1000) }.allSatisfy { $0.replicas == 1 })
        #expect(try step(result, at: 120).replicas == 12)
        #expect(try step(result, at: 121).replicas == 26)
        #expect(try step(result, at: 122).replicas == 39)
        #expect(try step(result, at: 123).replicas == 40)
        #expect(try step(result, at: 123).reason == .tooManyReplicas)
        // The Redis outage holds the count.
        for second in Int64(200)...202 {
            #expect(try step(result, at: second).reason == .metricsUnavailable)
            #expect(try step(result, at: second).replicas == 40)
        }
        // The last high recommendation (t=157) leaves the 60 s window at exactly t=217.
        #expect(try step(result, at: 216).replicas == 40)
        #expect(try step(result, at: 217).replicas == 1)
        #expect(try step(result, at: 397).replicas == 1)
        // Idle from t=419: cooling down for 60 s, then zero.
        #expect(try step(result, at: 418).reason != .coolingDown)
        #expect(try step(result, at: 478).reason == .coolingDown)
        #expect(try step(result, at: 478).replicas == 1)
        let zero = try step(result, at: 479)
        #expect(zero.reason == .scaledToZero)
        #expect(zero.replicas == 0)
        #expect(result.steps.last?.replicas == 0)
        #expect(result.peakReplicas == 40)
    }

    @Test func hpaDefaultsOnTheBurstyTrace() throws {
        var spec = Self.queueSpec
        spec.behavior = .autoscalingV2Defaults
        let samples = try Self.fixture()
        let result = try Simulator(spec: spec).run(samples)
        // 4 pods or 100 % per 15 s: 1 → 5 → 10 → 20, and the 30 s burst is over before 40.
        #expect(try step(result, at: 120).replicas == 5)
        #expect(try step(result, at: 120).reason == .scaleUpLimit)
        #expect(try step(result, at: 134).replicas == 5)
        #expect(try step(result, at: 135).replicas == 10)
        #expect(try step(result, at: 150).replicas == 20)
        // The 300 s scale-down window holds 20 through the quiet minutes (it never pushes up).
        let quiet = try step(result, at: 299)
        #expect(quiet.replicas == 20)
        #expect(quiet.reason == .desiredWithinRange)
        #expect(
            quiet.message
                == "backlog 230 / target 250 per replica = 1 replica, held at 20 by the scale-down stabilization window of 300s; keeping 20 replicas"
        )
        // The idle cooldown still ends at zero, bypassing the window as KEDA does.
        #expect(try step(result, at: 479).reason == .scaledToZero)

        var checker = PolicyChecker(behavior: spec.resolvedBehavior())
        let decisions = replay(spec: spec, samples: samples)
        for (sample, decision) in zip(samples, decisions) {
            if let violation = checker.violation(of: decision, spec: spec, at: sample.time) {
                Issue.record("\(violation) at \(sample.time)")
            }
            checker.record(decision, at: sample.time)
        }
        let queue = try Simulator(spec: Self.queueSpec).run(samples)
        #expect(queue.replicaSeconds < result.replicaSeconds)
    }

    /// The decisions of `Simulator.run`, with the histories (which the steps leave out).
    func replay(spec: ScalingSpec, samples: [TraceSample]) -> [ScalingDecision] {
        var replicas = spec.minReplicas
        var history = ScalingHistory()
        return samples.map { sample in
            let decision = Autoscaler.decide(
                reading: MetricReading(metric: .backlog, value: sample.backlog, inFlight: sample.inFlight), spec: spec,
                currentReplicas: replicas, history: history, now: sample.time)
            replicas = decision.replicas
            history = decision.history
            return decision
        }
    }

    @Test func replicaSecondsHoldEachDecisionUntilTheNextSample() throws {
        let spec = ScalingSpec(targetPerReplica: 10, minReplicas: 1, maxReplicas: 10)
        let samples = [
            TraceSample(time: .seconds(0), backlog: 10, inFlight: 1),
            TraceSample(time: .seconds(10), backlog: 30, inFlight: 3),
            TraceSample(time: ScalingTime(milliseconds: 30_500), backlog: 30, inFlight: 3),
        ]
        let result = try Simulator(spec: spec).run(samples)
        #expect(result.steps.map(\.replicas) == [1, 3, 3])
        #expect(result.replicaSeconds == 1 * 10 + 3 * 20.5)
        #expect(result.scaleChanges == 1)
        #expect(result.reasonCounts == [.desiredWithinRange: 3])
    }

    @Test func anInvalidSpecIsRefused() {
        #expect(throws: ScalingSpecError.self) {
            try Simulator(spec: ScalingSpec(targetPerReplica: 0, maxReplicas: 1))
        }
    }
}
