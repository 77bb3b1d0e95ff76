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
        // Lay the items out in one buffer so the byte-level reader below serves both paths.
        var flat: [UInt8] = []
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(raw.count)
        for item in raw {
            if let bytes = item.bytes {
                ranges.append(flat.count..<flat.count + bytes.count)
                flat.append(contentsOf: bytes)
            } else {
                ranges.append(nil)
            }
        }
        let result = flat.withUnsafeBytes { buffer in
            Result { () throws(QueueError) -> BuraqTask in
                try task(itemCount: raw.count, item: { i in ranges[i].map { UnsafeRawBufferPointer(rebasing: buffer[$0]) } },
                         streamID: streamID)
            }
        }
        return try result.get()
    }

    /// Reads a task from `itemCount` field/value items given as bytes (nil: an item that is not a
    /// string), e.g. straight from a Redis reply. The buffers need to live only during the call.
    static func task(itemCount: Int, item: (Int) -> UnsafeRawBufferPointer?, streamID: String?) throws(QueueError) -> BuraqTask {
        func bad(_ message: String) -> QueueError {
            var context: [String: String] = [:]
            if let streamID { context["streamID"] = streamID }
            return QueueError(code: .malformedTask, message: message, context: context)
        }
        guard itemCount % 2 == 0 else { throw bad("Entry has an odd number of field/value items (\(itemCount))") }
        var id: String?, type: String?, payload: [UInt8]?, attempt: Int?, enqueuedAt: Int64?, deadline: Int64?, priority: String?
        var headers: [String: String] = [:]
        var i = 0
        while i < itemCount {
            guard let name = item(i), let value = item(i + 1) else {
                throw bad("Entry item \(i) is not a string")
            }
            i += 2
            // Compare on bytes: field names are ASCII.
            if matches(name, "id") {
                id = try text(value, field: idField, bad)
            } else if matches(name, "type") {
                type = try text(value, field: typeField, bad)
            } else if matches(name, "payload") {
                payload = copy(value)
            } else if matches(name, "attempt") {
                guard let n = parseInt(value), n >= 0, n <= Int64(Int32.max) else {
                    throw bad("Field 'attempt' must be a non-negative integer, got '\(preview(value))'")
                }
                attempt = Int(n)
            } else if matches(name, "enqueued_at") {
                guard let n = parseInt(value), n >= 0 else {
                    throw bad("Field 'enqueued_at' must be milliseconds since the epoch, got '\(preview(value))'")
                }
                enqueuedAt = n
            } else if matches(name, "deadline") {
                guard let n = parseInt(value), n >= 0 else {
                    throw bad("Field 'deadline' must be milliseconds since the epoch, got '\(preview(value))'")
                }
                deadline = n
            } else if matches(name, "priority") {
                priority = try text(value, field: priorityField, bad)
            } else if name.count > 2, name[0] == UInt8(ascii: "h"), name[1] == UInt8(ascii: ":") {
                let headerName = try text(UnsafeRawBufferPointer(rebasing: name[2...]), field: "header name", bad)
                headers[headerName] = try text(value, field: "h:\(headerName)", bad)
            }
        }
        guard let id, !id.isEmpty else { throw bad("Missing field 'id' (the task id)") }
        guard let type, !type.isEmpty else { throw bad("Missing field 'type' (the handler name)") }
        guard let payload else { throw bad("Missing field 'payload'") }
        return BuraqTask(id: id, type: type, payload: payload, attempt: attempt ?? 0, enqueuedAt: enqueuedAt ?? 0,
                         headers: headers, deadline: deadline, streamID: streamID, priority: priority)
    }

    /// Whether `bytes` spell the ASCII field name `name`.
    @inline(__always)
    private static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        let literal = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return bytes.elementsEqual(literal)
    }

    private static func copy(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        bytes.withMemoryRebound(to: UInt8.self) { Array($0) }
    }

    private static let idBytes = Array(idField.utf8)
    private static let typeBytes = Array(typeField.utf8)
    private static let payloadBytes = Array(payloadField.utf8)
    private static let attemptBytes = Array(attemptField.utf8)
    private static let enqueuedAtBytes = Array(enqueuedAtField.utf8)
    private static let deadlineBytes = Array(deadlineField.utf8)
    private static let priorityBytes = Array(priorityField.utf8)

    private static func text(_ bytes: UnsafeRawBufferPointer, field: String, _ bad: (String) -> QueueError) throws(QueueError) -> String {
        guard let s = bytes.withMemoryRebound(to: UInt8.self, { String(validating: $0, as: UTF8.self) }) else {
            throw bad("Field '\(field)' must be UTF-8 text, got \(bytes.count) bytes of binary data")
        }
        return s
    }

    private static func parseInt(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var n: Int64 = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            n = n * 10 + Int64(b - 48)
        }
        return n
    }

    private static func preview(_ bytes: UnsafeRawBufferPointer) -> String {
        let s = String(decoding: bytes.prefix(40), as: UTF8.self)
        return bytes.count > 40 ? s + "…" : s
    }
}
