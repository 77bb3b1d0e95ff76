import BuraqQueue
import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"ts":"2026-11-22T10:00:00.123Z","level":"info","msg":"Scaled workers","taskQueue":"default/emails",...}`.
/// Same keys as the logfmt handler (`LogfmtLogHandler`), for log pipelines that want JSON.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    /// The logger's label, written as `logger`.
    public let label: String

    /// Creates a handler.
    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error { all["err"] = "\(error)" }
        var line = "{\"ts\":\(Self.quote(RFC3339.format(milliseconds: SystemWallClock().nowMilliseconds(), fractional: true))),\"level\":\(Self.quote("\(event.level)")),\"msg\":\(Self.quote(event.message.description)),\"logger\":\(Self.quote(label))"
        for key in all.keys.sorted() {
            line += ",\(Self.quote(key)):\(Self.quote("\(all[key]!)"))"
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// A JSON string literal.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
