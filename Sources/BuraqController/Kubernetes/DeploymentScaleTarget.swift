import BuraqKube
import Logging
import Synchronization

/// Kubernetes mode's scale target: a Deployment's `/scale` subresource (`autoscaling/v1 Scale`).
///
/// The scale is read from a ``DeploymentCache`` when one is given and it knows the Deployment;
/// otherwise (cache not synced yet, Deployment not in it) with a GET of `/scale`, which also
/// gives the API server's own error for a missing Deployment.
///
/// The write is guarded by the resourceVersion of the scale just read (the HPA's guard): when
/// someone else changed the Deployment in between, the API answers 409 and the write is retried
/// on a fresh read, as long as the count is still the one the decision started from. Before a
/// scale-down, idle worker pods (heartbeat id = pod name, nothing in flight) get
/// `controller.kubernetes.io/pod-deletion-cost: "-100"` so the ReplicaSet removes them first.
public final class DeploymentScaleTarget: ScaleTarget {
    /// The annotation the ReplicaSet controller reads to pick pods to delete.
    public static let deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"
    /// The cost given to idle pods (lower goes first; the default is 0).
    public static let idleDeletionCost = "-100"

    private let api: any KubernetesAPI
    private let cache: DeploymentCache?
    private let logger: Logger
    private let versions = Mutex<[TaskQueueKey: String]>([:])
    private let conflictRetries: Int

    /// Creates a target over `api`, reading scales from `cache` when it can.
    public init(
        api: any KubernetesAPI, cache: DeploymentCache? = nil, conflictRetries: Int = 3,
        logger: Logger = Logger(label: "buraq.controller.scale")
    ) {
        self.api = api
        self.cache = cache
        self.conflictRetries = conflictRetries
        self.logger = logger
    }

    public func scale(of target: QueueTarget) async -> Result<ScaleState, ControllerError> {
        if let cached = cache?.scale(namespace: target.key.namespace, name: target.scaleTargetName) {
            versions.withLock { $0[target.key] = cached.resourceVersion }
            return .success(ScaleState(replicas: cached.replicas, statusReplicas: cached.statusReplicas))
        }
        return await read(target)
    }

    /// Reads `/scale` from the API server.
    private func read(_ target: QueueTarget) async -> Result<ScaleState, ControllerError> {
        do {
            let scale = try await api.getScale(deployment: target.scaleTargetName, namespace: target.key.namespace)
            versions.withLock { $0[target.key] = scale.metadata.resourceVersion }
            return .success(
                ScaleState(replicas: Int32(scale.spec.replicas ?? 0), statusReplicas: scale.status.map { Int32($0.replicas) }))
        } catch {
            return .failure(.kubernetes(error, code: .failedGetScale, action: "Reading \(describe(target))/scale"))
        }
    }

    public func setReplicas(_ replicas: Int32, for target: QueueTarget, from current: ScaleState, idleWorkers: [String]) async
        -> Result<Void, ControllerError>
    {
        if replicas < current.replicas, !idleWorkers.isEmpty {
            await markIdle(Array(idleWorkers.prefix(Int(current.replicas - replicas))), namespace: target.key.namespace)
        }
        var version = versions.withLock { $0[target.key] }
        for attempt in 0...conflictRetries {
            do {
                let scale = try await api.patchScale(
                    name: target.scaleTargetName, namespace: target.key.namespace, replicas: Int(replicas),
                    resourceVersion: version)
                versions.withLock { $0[target.key] = scale.metadata.resourceVersion }
                if let version = scale.metadata.resourceVersion {
                    cache?.wrote(
                        DeploymentCache.Entry(
                            replicas: Int32(scale.spec.replicas ?? Int(replicas)), statusReplicas: scale.status.map { Int32($0.replicas) },
                            resourceVersion: version),
                        namespace: target.key.namespace, name: target.scaleTargetName)
                }
                return .success(())
            } catch let error as KubeAPIError where error.isConflict && attempt < conflictRetries {
                logger.info(
                    "Conflict writing scale, reading again",
                    metadata: ["taskQueue": "\(target.key)", "scaleTarget": "\(target.scaleTargetName)", "attempt": "\(attempt + 1)"])
                // Read from the API server: the cache may be what was stale.
                guard case .success(let fresh) = await read(target) else { continue }
                guard fresh.replicas == current.replicas else {
                    return .failure(
                        ControllerError(
                            code: .failedRescale,
                            message: "Writing \(describe(target))/scale: it changed from \(current.replicas) to \(fresh.replicas) replicas meanwhile; deciding again on the next poll"))
                }
                version = versions.withLock { $0[target.key] }
            } catch {
                return .failure(
                    .kubernetes(error, code: .failedRescale, action: "Scaling \(describe(target)) from \(current.replicas) to \(replicas)"))
            }
        }
        return .failure(ControllerError(code: .failedRescale, message: "Writing \(describe(target))/scale: conflicts on every attempt"))
    }

    public func forget(_ key: TaskQueueKey) async {
        _ = versions.withLock { $0.removeValue(forKey: key) }
    }

    /// Annotates pods; a failure is logged and ignored (the scale-down still happens, just
    /// without the preference).
    private func markIdle(_ pods: [String], namespace: String) async {
        for pod in pods {
            do {
                _ = try await api.patch(
                    .pods, namespace: namespace, name: pod,
                    patch: .merge(["metadata": ["annotations": [Self.deletionCostAnnotation: .string(Self.idleDeletionCost)]]]),
                    subresource: nil)
            } catch {
                logger.debug("Could not mark idle pod", metadata: ["pod": "\(namespace)/\(pod)", "error": "\(error)"])
            }
        }
    }

    private func describe(_ target: QueueTarget) -> String {
        "Deployment \(target.key.namespace)/\(target.scaleTargetName)"
    }
}
