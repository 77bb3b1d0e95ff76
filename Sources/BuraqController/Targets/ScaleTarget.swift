/// The workload a TaskQueue scales: a Deployment's `/scale` on Kubernetes, a process pool locally.
public protocol ScaleTarget: Sendable {
    /// The workload's scale now.
    func scale(of target: QueueTarget) async -> Result<ScaleState, ControllerError>
    /// Sets the replica count. On a scale-down, `idleWorkers` (worker ids with nothing in flight,
    /// from heartbeats) are the ones to remove first.
    func setReplicas(_ replicas: Int32, for target: QueueTarget, from current: ScaleState, idleWorkers: [String]) async
        -> Result<Void, ControllerError>
    /// Problems of the workload itself since the last call (local mode: crashing processes).
    func problems(of target: QueueTarget) async -> [ControllerError]
    /// The TaskQueue is gone: stop managing its workload (local mode: drain its processes).
    func forget(_ key: TaskQueueKey) async
    /// The controller is stopping (local mode: drain every process).
    func shutdown() async
}

extension ScaleTarget {
    public func problems(of target: QueueTarget) async -> [ControllerError] { [] }
    public func forget(_ key: TaskQueueKey) async {}
    public func shutdown() async {}
}
