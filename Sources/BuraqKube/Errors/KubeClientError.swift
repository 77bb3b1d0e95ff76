/// A failure on the client side of a request: transport, TLS, decoding, configuration.
public struct KubeClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// Could not connect (refused, DNS, connect timeout).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// The connection broke before a complete response (retryable for reads).
        public static let connectionDropped = Code(name: "connectionDropped")
        /// No complete response within the request timeout.
        public static let timeout = Code(name: "timeout")
        /// The TLS handshake or certificate check failed.
        public static let tls = Code(name: "tls")
        /// A response body was not the JSON expected.
        public static let decoding = Code(name: "decoding")
        /// Configuration is missing or wrong.
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// The client was shut down.
        public static let closed = Code(name: "closed")
        /// Any other libcurl failure.
        public static let transport = Code(name: "transport")
    }

    public var code: Code
    public var message: String
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// Dropped connections, connect failures and timeouts may succeed on a retry.
    public var isTransient: Bool {
        code == .connectionDropped || code == .connectionFailed || code == .timeout
    }

    public var description: String {
        var text = "\(code): \(message)"
        if !context.isEmpty {
            text += " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return text
    }
}
