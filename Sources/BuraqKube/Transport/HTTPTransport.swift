import BuraqBase
/// One HTTP request to the API server.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    /// Path and query, e.g. `/api/v1/namespaces/default/pods?limit=10`.
    public var target: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Overrides the transport's request timeout (a watch lasts as long as its `timeoutSeconds`).
    public var timeout: Duration?

    public init(method: String, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                timeout: Duration? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.method == b.method && a.target == b.target && a.body == b.body && a.timeout == b.timeout
            && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(target)
    }

    /// `GET /api/v1/...` for logs and errors.
    public var summary: String { "\(method) \(target)" }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringASCIICase(name) }?.1
    }
}

/// A response whose body arrives in pieces (watches).
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    /// The body as it arrives; ends when the server ends it, throws when the connection breaks.
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public init(status: Int, headers: [(String, String)], body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringASCIICase(name) }?.1
    }

    /// Reads the rest of the body (for error responses).
    public func collect(limit: Int = 1 << 20) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body where bytes.count < limit { bytes += chunk }
        return bytes
    }
}

/// The seam between the client's logic and the wire: libcurl in production, anything in tests.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the whole response; throws ``KubeClientError`` on transport failures.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Sends a request and returns as soon as the status and headers are in; the body streams.
    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse
}

import FoundationEssentials
