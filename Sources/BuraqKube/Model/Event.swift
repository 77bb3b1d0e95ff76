/// `events.k8s.io/v1 Event`: "Regarding X: Action (Related) - Reason", plus a human note.
///
/// Buraq writes events.k8s.io/v1 Events (what controller-runtime's recorder writes today);
/// `kubectl describe` shows them, and RBAC needs `create` on `events.k8s.io/events`.
public struct Event: Sendable, Hashable, Codable {
    public enum EventType: String, Sendable, Hashable, Codable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var apiVersion: String? = "events.k8s.io/v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    /// RFC 3339 with microseconds.
    public var eventTime: String
    public var reportingController: String
    public var reportingInstance: String
    /// Low-cardinality CamelCase, at most 128 characters.
    public var action: String
    /// Low-cardinality CamelCase, at most 128 characters (`ScaledUp`, `FailedRescale`).
    public var reason: String
    public var regarding: ObjectReference
    public var related: ObjectReference?
    /// Human sentence, at most 1024 characters.
    public var note: String?
    public var type: EventType

    public init(metadata: ObjectMeta, eventTime: String, reportingController: String, reportingInstance: String,
                action: String, reason: String, regarding: ObjectReference, related: ObjectReference? = nil,
                note: String?, type: EventType) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.regarding = regarding
        self.related = related
        self.note = note.map { String($0.prefix(1024)) }
        self.type = type
    }
}
