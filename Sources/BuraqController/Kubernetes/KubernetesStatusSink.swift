import BuraqAPI
import BuraqKube
import Foundation
import Logging

/// Kubernetes mode's status and Events: a merge patch of the TaskQueue's `/status` subresource,
/// and `events.k8s.io/v1` Events regarding the TaskQueue.
public struct KubernetesStatusSink: StatusSink {
    private let api: any KubernetesAPI
    private let instance: String
    private let logger: Logger

    /// - Parameter instance: `reportingInstance` of the Events (the pod name).
    public init(api: any KubernetesAPI, instance: String, logger: Logger = Logger(label: "buraq.controller.status")) {
        self.api = api
        self.instance = instance
        self.logger = logger
    }

    public func updateStatus(_ status: TaskQueueStatus, for key: TaskQueueKey) async -> Result<Void, ControllerError> {
        do {
            let body = try JSONValue(encoding: status)
            _ = try await api.patchStatus(.taskQueues, namespace: key.namespace, name: key.name, patch: .merge(["status": body]))
            return .success(())
        } catch let error as KubeAPIError where error.isNotFound {
            return .success(())  // deleted meanwhile: the informer will report it
        } catch {
            return .failure(.kubernetes(error, code: .failedUpdateStatus, action: "Writing the status of TaskQueue \(key)"))
        }
    }

    public func emit(_ event: QueueEvent, for key: TaskQueueKey) async {
        let now = SystemWallClockTime.now()
        let record = Event(
            metadata: ObjectMeta(name: "\(key.name).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))", namespace: key.namespace),
            eventTime: now, reportingController: "buraq.dev/controller", reportingInstance: instance,
            action: event.reason == "SuccessfulRescale" ? "Scale" : "Reconcile", reason: event.reason,
            regarding: ObjectReference(apiVersion: TaskQueue.apiVersion, kind: TaskQueue.kind, namespace: key.namespace, name: key.name),
            note: event.message, type: event.type == .warning ? .warning : .normal)
        do {
            _ = try await api.createEvent(record)
        } catch {
            logger.warning("Failed to record Event", metadata: ["taskQueue": "\(key)", "reason": "\(event.reason)", "error": "\(error)"])
        }
    }
}

/// `metav1.MicroTime` text for `eventTime`.
enum SystemWallClockTime {
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let ms = Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
        let base = RFC3339.format(milliseconds: ms)
        let micros = String(Int(ts.tv_nsec / 1000))
        return base.dropLast() + "." + String(repeating: "0", count: 6 - micros.count) + micros + "Z"
    }
}
