/// Replays a metric trace through `Autoscaler.decide`, one decision per sample, so a scaling
/// spec can be tried before it is deployed. Pure: no clock, no I/O.
///
/// The trace is open-loop: its backlog is what was observed, and does not react to the
/// simulated replica count. Each sample's backlog is the scaling metric whatever `spec.metric`
/// names (a trace only has a backlog), the replica count changes instantly, and a decision holds
/// until the next sample, so replica-seconds = Σ replicas(i) × (time(i+1) − time(i)).
public struct Simulator: Sendable {
    /// The spec being tried.
    public let spec: ScalingSpec
    /// The replica count before the first sample.
    public let initialReplicas: Int32

    /// Creates a simulator after validating `spec`; `initialReplicas` defaults to `minReplicas`.
    public init(spec: ScalingSpec, initialReplicas: Int32? = nil) throws(ScalingSpecError) {
        try spec.validate()
        self.spec = spec
        self.initialReplicas = initialReplicas ?? spec.minReplicas
    }

    /// Runs every sample in order.
    public func run(_ samples: [TraceSample]) -> SimulationResult {
        var replicas = initialReplicas
        var history = ScalingHistory()
        var steps: [SimulationStep] = []
        steps.reserveCapacity(samples.count)
        for sample in samples {
            let reading = MetricReading(metric: .backlog, value: sample.backlog, inFlight: sample.inFlight)
            let decision = Autoscaler.decide(
                reading: reading, spec: spec, currentReplicas: replicas, history: history, now: sample.time)
            steps.append(
                SimulationStep(
                    time: sample.time, backlog: sample.backlog, inFlight: sample.inFlight, previousReplicas: replicas,
                    replicas: decision.replicas, reason: decision.reason, message: decision.message))
            replicas = decision.replicas
            history = decision.history
        }
        return SimulationResult(steps: steps)
    }
}
