import BuraqRedis

/// Encoding of tasks as Redis stream entries and hashes: wire format version 1.
///
/// A task is a flat list of field/value pairs, binary-safe (no JSON around the payload):
/// `id`, `type`, `payload`, `attempt`, `enqueued_at`, optional `deadline`, and one `h:NAME` field
/// per header. Readers ignore fields they do not know.
public enum WireFormat: Sendable {
    /// The version documented in docs/wire-format.md.
    public static let version = 1

    public static let idField = "id"
    public static let typeField = "type"
    public static let payloadField = "payload"
    public static let attemptField = "attempt"
    public static let enqueuedAtField = "enqueued_at"
    public static let deadlineField = "deadline"
    public static let priorityField = "priority"
    public static let headerPrefix = "h:"

    /// The task's fields, in order, ready to follow `XADD key *` or `HSET key`.
    public static func fields(of task: BuraqTask) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(10 + task.headers.count * 2)
        out.append(Array(idField.utf8)); out.append(Array(task.id.utf8))
        out.append(Array(typeField.utf8)); out.append(Array(task.type.utf8))
        out.append(Array(payloadField.utf8)); out.append(task.payload)
        out.append(Array(attemptField.utf8)); out.append(Array(String(task.attempt).utf8))
        out.append(Array(enqueuedAtField.utf8)); out.append(Array(String(task.enqueuedAt).utf8))
        if let deadline = task.deadline {
            out.append(Array(deadlineField.utf8)); out.append(Array(String(deadline).utf8))
        }
        if let priority = task.priority {
            out.append(Array(priorityField.utf8)); out.append(Array(priority.utf8))
        }
        for (name, value) in task.headers.sorted(by: { $0.key < $1.key }) {
            out.append(Array((headerPrefix + name).utf8)); out.append(Array(value.utf8))
        }
        return out
    }

    /// How many words ``append(fieldsOf:to:)`` writes for this task (names and values).
    public static func fieldWordCount(of task: BuraqTask) -> Int {
        10 + (task.deadline == nil ? 0 : 2) + (task.priority == nil ? 0 : 2) + task.headers.count * 2
    }

    /// Writes the task's fields, in the same order as ``fields(of:)``, straight into an encoded
    /// pipeline (no array per field): the batched enqueue path.
    public static func append(fieldsOf task: BuraqTask, to pipeline: inout EncodedPipeline) {
        pipeline.append(idBytes); pipeline.append(task.id)
        pipeline.append(typeBytes); pipeline.append(task.type)
        pipeline.append(payloadBytes); pipeline.append(task.payload)
        pipeline.append(attemptBytes); pipeline.append(Int64(task.attempt))
        pipeline.append(enqueuedAtBytes); pipeline.append(task.enqueuedAt)
        if let deadline = task.deadline {
            pipeline.append(deadlineBytes); pipeline.append(deadline)
        }
        if let priority = task.priority {
            pipeline.append(priorityBytes); pipeline.append(priority)
        }
        for (name, value) in task.headers.sorted(by: { $0.key < $1.key }) {
            pipeline.append(headerPrefix + name); pipeline.append(value)
        }
    }

    /// Reads a task from a flat field/value list (as XREADGROUP or HGETALL return it).
    /// - Throws: ``QueueError`` with code `.malformedTask` naming the field and what was expected.
    public static func task(fromFields raw: [RESPValue], streamID: String?) throws(QueueError) -> BuraqTask {
        func bad(_ message: String) -> QueueError {
            var context: [String: String] = [:]
            if let streamID { context["streamID"] = streamID }
            return QueueError(code: .malformedTask, message: message, context: context)
        }
        guard raw.count % 2 == 0 else { throw bad("Entry has an odd number of field/value items (\(raw.count))") }
        var id: String?, type: String?, payload: [UInt8]?, attempt: Int?, enqueuedAt: Int64?, deadline: Int64?, priority: String?
        var headers: [String: String] = [:]
        var i = 0
        while i < raw.count {
            guard let nameBytes = raw[i].bytes, let value = raw[i + 1].bytes else {
                throw bad("Entry item \(i) is not a string")
            }
            i += 2
            // Compare on bytes: field names are ASCII.
            switch nameBytes.count {
            case 2 where nameBytes == idBytes: id = try text(value, field: idField, bad)
            case 4 where nameBytes == typeBytes: type = try text(value, field: typeField, bad)
            case 7 where nameBytes == payloadBytes: payload = value
            case 7 where nameBytes == attemptBytes:
                guard let n = parseInt(value), n >= 0, n <= Int64(Int32.max) else {
                    throw bad("Field 'attempt' must be a non-negative integer, got '\(preview(value))'")
                }
                attempt = Int(n)
            case 11 where nameBytes == enqueuedAtBytes:
                guard let n = parseInt(value), n >= 0 else {
                    throw bad("Field 'enqueued_at' must be milliseconds since the epoch, got '\(preview(value))'")
                }
                enqueuedAt = n
            case 8 where nameBytes == deadlineBytes:
                guard let n = parseInt(value), n >= 0 else {
                    throw bad("Field 'deadline' must be milliseconds since the epoch, got '\(preview(value))'")
                }
                deadline = n
            case 8 where nameBytes == priorityBytes: priority = try text(value, field: priorityField, bad)
            default:
                if nameBytes.count > 2, nameBytes[0] == UInt8(ascii: "h"), nameBytes[1] == UInt8(ascii: ":") {
                    let name = try text(Array(nameBytes[2...]), field: "header name", bad)
                    headers[name] = try text(value, field: "h:\(name)", bad)
                }
            }
        }
        guard let id, !id.isEmpty else { throw bad("Missing field 'id' (the task id)") }
        guard let type, !type.isEmpty else { throw bad("Missing field 'type' (the handler name)") }
        guard let payload else { throw bad("Missing field 'payload'") }
        return BuraqTask(id: id, type: type, payload: payload, attempt: attempt ?? 0, enqueuedAt: enqueuedAt ?? 0,
                         headers: headers, deadline: deadline, streamID: streamID, priority: priority)
    }

    private static let idBytes = Array(idField.utf8)
    private static let typeBytes = Array(typeField.utf8)
    private static let payloadBytes = Array(payloadField.utf8)
    private static let attemptBytes = Array(attemptField.utf8)
    private static let enqueuedAtBytes = Array(enqueuedAtField.utf8)
    private static let deadlineBytes = Array(deadlineField.utf8)
    private static let priorityBytes = Array(priorityField.utf8)

    private static func text(_ bytes: [UInt8], field: String, _ bad: (String) -> QueueError) throws(QueueError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw bad("Field '\(field)' must be UTF-8 text, got \(bytes.count) bytes of binary data")
        }
        return s
    }

    private static func parseInt(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var n: Int64 = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            n = n * 10 + Int64(b - 48)
        }
        return n
    }

    private static func preview(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes.prefix(40), as: UTF8.self)
        return bytes.count > 40 ? s + "…" : s
    }
}
