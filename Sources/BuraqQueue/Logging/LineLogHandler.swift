import BuraqBase
import Glibc
import FoundationEssentials
import Logging

/// A swift-log handler writing one line per message to standard error, as logfmt or as JSON,
/// with the same keys either way (lowerCamelCase, sorted; the handler's metadata, then the
/// event's, then `err`):
///
/// - logfmt: `ts=2026-11-22T10:00:00.123Z level=info msg="Started worker" queue=emails concurrency=16`
///   (values with spaces, quotes or `=` are quoted);
/// - JSON: `{"ts":"2026-11-22T10:00:00.123Z","level":"info","msg":"Scaled workers","logger":"buraq.controller","taskQueue":"default/emails"}`
///   (every value a string), for log pipelines that want JSON.
public struct LineLogHandler: LogHandler {
    /// How a line is written.
    public enum Format: String, Sendable, CaseIterable {
        /// `key=value` pairs.
        case logfmt
        /// One JSON object per line.
        case json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    /// The logger's label (written as `logger` in JSON).
    public let label: String
    /// logfmt or JSON.
    public let format: Format

    /// Creates a handler.
    public init(label: String, format: Format = .logfmt) {
        self.label = label
        self.format = format
    }

    /// Makes this handler, at `level` and in `format`, the one of every logger in the process
    /// (`LoggingSystem.bootstrap`, once, at start).
    public static func bootstrap(level: Logger.Level, format: Format = .logfmt) {
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = render(level: event.level, message: event.message.description, metadata: event.metadata, error: event.error,
                          timestamp: Self.timestamp())
        // One write(2) per line: lines from several threads never interleave.
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
        }
    }

    /// The line written for one message, newline included.
    func render(level: Logger.Level, message: String, metadata explicit: Logger.Metadata?, error: (any Error)?,
                timestamp: String) -> String {
        var all = metadata
        if let explicit { all.merge(explicit) { _, new in new } }
        if let error { all["err"] = "\(error)" }
        let keys = all.keys.sorted()
        switch format {
        case .logfmt:
            var line = "ts=\(timestamp) level=\(level) msg=\(Self.logfmtQuoted(message))"
            for key in keys { line += " \(key)=\(Self.logfmtQuoted("\(all[key]!)"))" }
            return line + "\n"
        case .json:
            var line = "{\"ts\":\(JSONText.quoted(timestamp)),\"level\":\(JSONText.quoted("\(level)"))"
                + ",\"msg\":\(JSONText.quoted(message)),\"logger\":\(JSONText.quoted(label))"
            for key in keys { line += ",\(JSONText.quoted(key)):\(JSONText.quoted("\(all[key]!)"))" }
            return line + "}\n"
        }
    }

    /// A logfmt value: bare when it can be, else quoted with `\`, `"` and newlines escaped.
    static func logfmtQuoted(_ value: String) -> String {
        let needs = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" || $0 == "\t" })
        guard needs else { return value }
        var escaped = "\""
        escaped.reserveCapacity(value.utf8.count + 8)
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }

    /// Now in UTC, RFC 3339 with milliseconds.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RFC3339Time.format(unixMicroseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec / 1000), fractionDigits: 3)
    }
}
