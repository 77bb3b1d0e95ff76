import BuraqQueue
import Foundation

/// Reads the JSON of `POST /v1/queues/{queue}/tasks` (one task) and `tasks:batch`
/// (`{"tasks": [...]}`) into ``TaskRequest``s. Every problem is a 400 naming the field,
/// e.g. `tasks[2].priority`; a payload over the limit is a 413.
///
/// A task object: `type` (required), `payload` (text) or `payloadBase64`, `delaySeconds` or
/// `runAt` (RFC 3339), `priority`, `idempotencyKey`, `idempotencyTTLSeconds`, `headers`
/// (string to string). Unknown fields are refused, so a misspelt option is not silently ignored.
/// The JSON is read by ``RequestJSON`` (whose syntax errors are all "The body is not valid JSON").
public struct EnqueueRequestDecoder: Sendable {
    /// Largest payload, in bytes after base64 decoding.
    public var maxPayloadBytes: Int
    /// Most tasks in one batch.
    public var maxBatch: Int

    static let fields: Set<String> = ["type", "payload", "payloadBase64", "delaySeconds", "runAt", "priority",
                                      "idempotencyKey", "idempotencyTTLSeconds", "headers"]

    public init(maxPayloadBytes: Int = 1 << 20, maxBatch: Int = 1000) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxBatch = maxBatch
    }

    /// One task from a request body.
    public func decodeOne(_ body: [UInt8], now: Int64) throws(GatewayError) -> TaskRequest {
        guard case .object(let members) = try Self.parse(body) else {
            throw GatewayError.invalidField("body", "The body must be a JSON object describing one task")
        }
        return try task(members, field: "", now: now)
    }

    /// The tasks of a batch body.
    public func decodeBatch(_ body: [UInt8], now: Int64) throws(GatewayError) -> [TaskRequest] {
        let document = try Self.parse(body)
        guard case .object(let members) = document else {
            throw GatewayError.invalidField("body", "The body must be a JSON object {\"tasks\": [...]}")
        }
        if let unknown = members.lazy.map(\.key).filter({ $0 != "tasks" }).min() {
            throw GatewayError.invalidField(unknown, "Unknown field '\(unknown)'; a batch has only 'tasks'")
        }
        guard case .array(let items) = document.member("tasks") else {
            throw GatewayError.invalidField("tasks", "'tasks' must be a list of task objects")
        }
        guard !items.isEmpty, items.count <= maxBatch else {
            throw GatewayError.invalidField("tasks", "'tasks' must hold 1 to \(maxBatch) tasks, got \(items.count)")
        }
        var out: [TaskRequest] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let task) = item else {
                throw GatewayError.invalidField("tasks[\(index)]", "Each task must be a JSON object")
            }
            out.append(try self.task(task, field: "tasks[\(index)].", now: now))
        }
        return out
    }

    private static func parse(_ body: [UInt8]) throws(GatewayError) -> RequestJSON.Value {
        guard !body.isEmpty else { throw GatewayError.invalidField("body", "The body is empty; expected JSON") }
        guard let document = RequestJSON.parse(body) else {
            throw GatewayError.invalidField("body", "The body is not valid JSON")
        }
        return document
    }

    private func task(_ members: [RequestJSON.Member], field prefix: String, now: Int64) throws(GatewayError) -> TaskRequest {
        if let unknown = members.lazy.map(\.key).filter({ !Self.fields.contains($0) }).min() {
            throw GatewayError.invalidField(prefix + unknown, "Unknown field '\(unknown)'; expected one of \(Self.fields.sorted().joined(separator: ", "))")
        }
        /// The last member named `name` (as a dictionary of the object would hold), nil for null.
        func member(_ name: String) -> RequestJSON.Value? {
            guard let value = members.last(where: { $0.key == name })?.value, value != .null else { return nil }
            return value
        }
        func string(_ name: String) throws(GatewayError) -> String? {
            guard let value = member(name) else { return nil }
            guard case .string(let text) = value else { throw GatewayError.invalidField(prefix + name, "'\(name)' must be a string") }
            return text
        }
        func number(_ name: String) throws(GatewayError) -> Double? {
            guard let value = member(name) else { return nil }
            guard case .number(let number) = value else { throw GatewayError.invalidField(prefix + name, "'\(name)' must be a number") }
            return number
        }

        guard let type = try string("type"), !type.isEmpty, type.utf8.count <= 200 else {
            throw GatewayError.invalidField(prefix + "type", "'type' is required: a string of 1 to 200 bytes")
        }
        var request = TaskRequest(type: type)

        let text = try string("payload")
        let base64 = try string("payloadBase64")
        if text != nil && base64 != nil {
            throw GatewayError.invalidField(prefix + "payloadBase64", "Give 'payload' or 'payloadBase64', not both")
        }
        if let text { request.payload = Array(text.utf8) }
        if let base64 {
            guard let data = Data(base64Encoded: base64) else {
                throw GatewayError.invalidField(prefix + "payloadBase64", "'payloadBase64' is not valid base64")
            }
            request.payload = Array(data)
        }
        if request.payload.count > maxPayloadBytes {
            throw GatewayError(status: 413, code: "payloadTooLarge",
                               message: "The payload is \(request.payload.count) bytes; the limit is \(maxPayloadBytes)",
                               field: prefix + (base64 != nil ? "payloadBase64" : "payload"))
        }

        let delay = try number("delaySeconds")
        let runAt = try string("runAt")
        if delay != nil && runAt != nil {
            throw GatewayError.invalidField(prefix + "runAt", "Give 'delaySeconds' or 'runAt', not both")
        }
        if let delay {
            guard delay >= 0, delay <= 366 * 86_400 else {
                throw GatewayError.invalidField(prefix + "delaySeconds", "'delaySeconds' must be 0 to 31622400, got \(delay)")
            }
            if delay > 0 { request.schedule = .after(.milliseconds(Int64((delay * 1000).rounded()))) }
        }
        if let runAt {
            guard let date = Self.rfc3339(runAt) else {
                throw GatewayError.invalidField(prefix + "runAt", "'runAt' must be an RFC 3339 time such as 2026-12-03T18:00:00Z, got '\(runAt)'")
            }
            let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
            if ms > now { request.schedule = .at(ms) }
        }

        if let priority = try string("priority") {
            guard !priority.isEmpty, priority.count <= 64, priority.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw GatewayError.invalidField(prefix + "priority", "'priority' must be a level name of letters, digits, '-' or '_', got '\(priority)'")
            }
            request.priority = priority
        }
        if let key = try string("idempotencyKey") {
            guard !key.isEmpty, key.utf8.count <= 512 else {
                throw GatewayError.invalidField(prefix + "idempotencyKey", "'idempotencyKey' must be 1 to 512 bytes, got \(key.utf8.count)")
            }
            request.idempotencyKey = key
        }
        if let ttl = try number("idempotencyTTLSeconds") {
            guard ttl >= 1, ttl <= 30 * 86_400 else {
                throw GatewayError.invalidField(prefix + "idempotencyTTLSeconds", "'idempotencyTTLSeconds' must be 1 to 2592000, got \(ttl)")
            }
            request.idempotencyTTL = .milliseconds(Int64(ttl * 1000))
        }
        if let headers = member("headers") {
            guard case .object(let pairs) = headers else {
                throw GatewayError.invalidField(prefix + "headers", "'headers' must be an object of strings")
            }
            // A repeated name: the last value counts.
            var latest: [String: RequestJSON.Value] = [:]
            for pair in pairs { latest[pair.key] = pair.value }
            for (name, value) in latest {
                guard case .string(let text) = value else {
                    throw GatewayError.invalidField(prefix + "headers.\(name)", "Header '\(name)' must be a string")
                }
                request.headers[name] = text
            }
        }
        return request
    }

    /// Parses RFC 3339 times with or without fractional seconds.
    static func rfc3339(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
