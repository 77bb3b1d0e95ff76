import Logging

/// A log line the reconciler asks for; the caller writes it with its `Logger`.
public struct LogLine: Sendable, Equatable {
    /// Its level.
    public var level: Logger.Level
    /// A capitalised message, e.g. `Scaled workers`.
    public var message: String
    /// lowerCamelCase keys with every number behind the line.
    public var metadata: [String: String]

    /// Creates a line.
    public init(level: Logger.Level, message: String, metadata: [String: String]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }

    /// Writes the line to `logger`.
    public func write(to logger: Logger) {
        logger.log(level: level, "\(message)", metadata: metadata.mapValues { .string($0) })
    }
}
