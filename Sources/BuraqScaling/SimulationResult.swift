/// A simulation's decisions and totals.
public struct SimulationResult: Sendable, Equatable, Codable {
    /// One step per sample, in order.
    public var steps: [SimulationStep]

    /// Creates a result from its steps.
    public init(steps: [SimulationStep]) {
        self.steps = steps
    }

    /// Σ replicas(i) × (time(i+1) − time(i)) in milliseconds: each decision holds until the next sample.
    public var replicaMilliseconds: Int64 {
        zip(steps, steps.dropFirst()).reduce(0) { total, pair in
            total + Int64(pair.0.replicas) * pair.1.time.milliseconds(since: pair.0.time)
        }
    }

    /// Total replica-seconds.
    public var replicaSeconds: Double {
        Double(replicaMilliseconds) / 1000
    }

    /// The highest replica count decided.
    public var peakReplicas: Int32 {
        steps.map(\.replicas).max() ?? 0
    }

    /// How many decisions changed the replica count.
    public var scaleChanges: Int {
        steps.count { $0.replicas != $0.previousReplicas }
    }

    /// How many steps each reason decided.
    public var reasonCounts: [ScalingReason: Int] {
        steps.reduce(into: [:]) { counts, step in counts[step.reason, default: 0] += 1 }
    }
}
