/// An error from the Redis client: a stable code, a message for people, and context.
///
/// For replies Redis itself rejected (`code == .server`) the message is Redis' own error text,
/// and ``prefix`` is its first word (`WRONGTYPE`, `NOSCRIPT`, `NOGROUP`, `BUSYGROUP`, ...).
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The connection could not be opened (refused, DNS failure, connect timeout).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// An open connection broke while a command was in flight; the command may or may not have run.
        public static let connectionLost = Code(name: "connectionLost")
        /// No reply within the command timeout.
        public static let timeout = Code(name: "timeout")
        /// Redis answered with an error reply.
        public static let server = Code(name: "server")
        /// A reply did not have the shape the caller expected.
        public static let protocolError = Code(name: "protocolError")
        /// The URL or options are invalid.
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// The client was shut down.
        public static let closed = Code(name: "closed")
    }

    public var code: Code
    public var message: String
    /// Extra facts, e.g. the address or the command name.
    public var context: [String: String]

    public init(code: Code, message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The first word of a server error (`WRONGTYPE`, `NOSCRIPT`, ...), if this is one.
    public var prefix: String? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// True when retrying on a new connection may succeed (connection and timeout failures).
    public var isTransient: Bool {
        code == .connectionFailed || code == .connectionLost || code == .timeout
    }

    public var description: String {
        var text = "\(code): \(message)"
        if !context.isEmpty {
            text += " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return text
    }
}
