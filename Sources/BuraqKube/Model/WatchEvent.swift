/// One event of a watch stream: `{"type": ..., "object": ...}`.
public struct WatchEvent: Sendable, Hashable {
    public enum EventType: String, Sendable, Hashable, Codable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var type: EventType
    /// The object; for `BOOKMARK` only `metadata.resourceVersion` is meaningful, for `ERROR` a ``Status``.
    public var object: JSONValue

    public init(type: EventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    /// For an `ERROR` event, its status as a typed error.
    public var error: KubeAPIError? {
        guard type == .error else { return nil }
        let status = (try? object.decode(Status.self)) ?? Status(code: 500, reason: "InternalError", message: "\(object)")
        return KubeAPIError(status: status, httpCode: status.code ?? 500)
    }

    /// The event as one line of a watch stream (no newline).
    public func serialized() throws -> [UInt8] {
        try JSONValue.object(["type": .string(type.rawValue), "object": object]).serialized()
    }

    /// Parses one line of a watch stream.
    public init(line: some Collection<UInt8>) throws {
        let value = try JSONValue(parsing: line)
        guard let typeText = value["type"]?.stringValue, let type = EventType(rawValue: typeText) else {
            throw KubeClientError(.decoding, "Watch event without a known type: \(String(decoding: Array(line.prefix(200)), as: UTF8.self))")
        }
        self.init(type: type, object: value["object"] ?? .null)
    }
}
