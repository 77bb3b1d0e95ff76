import BuraqRedis

/// An error from the queue layer: a stable code, a message for people, and context.
public struct QueueError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// An argument was out of range or malformed (queue name, delay, batch).
        public static let invalidArgument = Code(name: "invalidArgument")
        /// A stream entry could not be read as a task.
        public static let malformedTask = Code(name: "malformedTask")
        /// Redis failed; ``QueueError/redis`` holds the cause.
        public static let redis = Code(name: "redis")
        /// A key holds a value of another type than Buraq expects.
        public static let wrongType = Code(name: "wrongType")
    }

    public var code: Code
    public var message: String
    public var context: [String: String]
    /// The underlying Redis error, when there is one.
    public var redis: RedisError?

    public init(code: Code, message: String, context: [String: String] = [:], redis: RedisError? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.redis = redis
    }

    /// Wraps a Redis error, recognising WRONGTYPE.
    public init(_ error: RedisError, key: String? = nil) {
        var context = error.context
        if let key { context["key"] = key }
        if error.prefix == "WRONGTYPE" {
            self.init(code: .wrongType, message: "\(key.map { "Key '\($0)'" } ?? "A key") holds a value of the wrong type for Buraq: \(error.message)",
                      context: context, redis: error)
        } else {
            self.init(code: .redis, message: error.message, context: context, redis: error)
        }
    }

    public var description: String {
        var text = "\(code): \(message)"
        if !context.isEmpty {
            text += " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return text
    }
}
