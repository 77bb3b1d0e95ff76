import BuraqAPI
import BuraqKube
import FoundationEssentials
import Glibc

/// Kubernetes mode's writes for the ``StatusWriter``: a merge patch of the TaskQueue's
/// `/status` subresource, and `events.k8s.io/v1` Events regarding the TaskQueue.
public struct KubernetesStatusTarget: StatusWriteTarget {
    private let api: any KubernetesAPI
    private let instance: String

    /// - Parameter instance: `reportingInstance` of the Events (the pod name).
    public init(api: any KubernetesAPI, instance: String) {
        self.api = api
        self.instance = instance
    }

    public func perform(_ write: StatusWrite) async -> StatusWriteResult {
        let key = write.key
        do {
            switch write {
            case .status(_, let status):
                let body = try JSONValue(encoding: status)
                _ = try await api.patchStatus(.taskQueues, namespace: key.namespace, name: key.name, patch: .merge(["status": body]))
            case .event(_, let event, _):
                _ = try await api.createEvent(record(event, about: key))
            }
            return .written
        } catch let error as KubeAPIError where error.isNotFound {
            return .notFound  // deleted meanwhile: the informer will report it
        } catch {
            let failure: ControllerError
            switch write {
            case .status:
                failure = .kubernetes(error, code: .failedUpdateStatus, action: "Writing the status of TaskQueue \(key)")
            case .event(_, let event, _):
                failure = .kubernetes(
                    error, code: .failedRecordEvent, action: "Recording Event \(event.reason) about TaskQueue \(key)")
            }
            return .failed(failure, retryable: Self.isRetryable(error))
        }
    }

    private func record(_ event: QueueEvent, about key: TaskQueueKey) -> Event {
        Event(
            metadata: ObjectMeta(name: "\(key.name).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))", namespace: key.namespace),
            eventTime: SystemWallClockTime.now(), reportingController: "buraq.dev/controller", reportingInstance: instance,
            action: event.reason == "SuccessfulRescale" ? "Scale" : "Reconcile", reason: event.reason,
            regarding: ObjectReference(apiVersion: TaskQueue.apiVersion, kind: TaskQueue.kind, namespace: key.namespace, name: key.name),
            note: event.message, type: event.type == .warning ? .warning : .normal)
    }

    /// 429, 5xx and connection trouble may pass; other answers (403, 422, ...) come again.
    static func isRetryable(_ error: any Error) -> Bool {
        if let api = error as? KubeAPIError { return api.isRetryable }
        if let client = error as? KubeClientError {
            return [.connectionFailed, .connectionDropped, .timeout, .transport].contains(client.code)
        }
        return false
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
