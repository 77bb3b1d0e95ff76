import Foundation
import Synchronization

/// What the controller last decided for a queue, from its TaskQueue's status.
public struct ControllerStatus: Codable, Sendable, Hashable {
    /// One status condition (metav1.Condition shape).
    public struct Condition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
    }

    /// `namespace/name` of the TaskQueue.
    public var taskQueue: String
    public var replicas: Int?
    public var desiredReplicas: Int?
    public var lastScaleTime: String?
    public var conditions: [Condition]
}

/// Reads TaskQueue statuses from a file holding `kubectl get taskqueues -A -o json` (a List, or
/// one TaskQueue), so the dashboard can show the controller's decisions without the gateway
/// talking to Kubernetes. The file is read again when its modification time changes; a file that
/// is missing or unreadable gives no statuses (and a logged reason, by the caller).
public final class ControllerStatusFile: Sendable {
    public let path: String
    private let cache = Mutex<(modified: Date?, statuses: [String: ControllerStatus])>((nil, [:]))

    public init(path: String) {
        self.path = path
    }

    /// Statuses by queue name (`spec.queue`, else the TaskQueue's name).
    /// - Throws: ``GatewayConfigurationError`` naming the file when it is not TaskQueue JSON.
    public func statuses() throws(GatewayConfigurationError) -> [String: ControllerStatus] {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let cached = cache.withLock({ $0.modified != nil && $0.modified == modified ? $0.statuses : nil }) { return cached }
        guard let modified, let data = FileManager.default.contents(atPath: path) else {
            throw GatewayConfigurationError("\(path): cannot read the TaskQueue status file")
        }
        let statuses = try Self.parse(data, file: path)
        cache.withLock { $0 = (modified, statuses) }
        return statuses
    }

    static func parse(_ data: Data, file: String) throws(GatewayConfigurationError) -> [String: ControllerStatus] {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw GatewayConfigurationError("\(file): expected the JSON of `kubectl get taskqueues -o json`")
        }
        let items = root["items"] as? [[String: Any]] ?? (root["kind"] as? String == "TaskQueue" ? [root] : [])
        var out: [String: ControllerStatus] = [:]
        for item in items {
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let spec = item["spec"] as? [String: Any] ?? [:]
            let status = item["status"] as? [String: Any] ?? [:]
            guard let name = metadata["name"] as? String else { continue }
            let queue = spec["queue"] as? String ?? name
            let conditions = (status["conditions"] as? [[String: Any]] ?? []).compactMap { c -> ControllerStatus.Condition? in
                guard let type = c["type"] as? String, let value = c["status"] as? String else { return nil }
                return .init(type: type, status: value, reason: c["reason"] as? String, message: c["message"] as? String)
            }
            out[queue] = ControllerStatus(taskQueue: "\(metadata["namespace"] as? String ?? "default")/\(name)",
                                          replicas: status["replicas"] as? Int, desiredReplicas: status["desiredReplicas"] as? Int,
                                          lastScaleTime: status["lastScaleTime"] as? String, conditions: conditions)
        }
        return out
    }
}
