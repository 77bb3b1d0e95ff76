/// A failure seen while reconciling one TaskQueue: a stable code (also the condition and Event
/// reason), a message a person can act on, and context.
public struct ControllerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed. The raw value is the reason written to conditions, Events and metrics.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The reason string, e.g. `RedisUnavailable`.
        public let rawValue: String
        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The TaskQueue's spec is invalid (a field out of range, a file that does not parse).
        public static let invalidSpec = Code("InvalidSpec")
        /// Redis could not be reached or timed out.
        public static let redisUnavailable = Code("RedisUnavailable")
        /// Redis answered with an error (a key of the wrong type, ACL denied, ...).
        public static let redisError = Code("RedisError")
        /// The settings hash could not be written.
        public static let failedWriteConfig = Code("FailedWriteConfig")
        /// The workload to scale does not exist.
        public static let scaleTargetNotFound = Code("ScaleTargetNotFound")
        /// The workload's scale could not be read.
        public static let failedGetScale = Code("FailedGetScale")
        /// The workload's scale could not be written.
        public static let failedRescale = Code("FailedRescale")
        /// The status could not be written.
        public static let failedUpdateStatus = Code("FailedUpdateStatus")
        /// An Event could not be recorded.
        public static let failedRecordEvent = Code("FailedRecordEvent")
        /// Local mode: worker processes keep exiting.
        public static let workersCrashing = Code("WorkersCrashing")
    }

    /// What failed.
    public var code: Code
    /// What happened and, where possible, what to do about it.
    public var message: String
    /// Extra facts (address, key, HTTP status, ...).
    public var context: [String: String]

    /// Creates an error.
    public init(code: Code, message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// `Code: message (k=v ...)`.
    public var description: String {
        var text = "\(code): \(message)"
        if !context.isEmpty {
            text += " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return text
    }
}
