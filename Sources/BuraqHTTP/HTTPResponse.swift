/// What a handler answers. `Content-Length` and `Connection` are set by the server.
public struct HTTPResponse: Sendable {
    /// Writes a streamed body piece by piece (Server-Sent Events, long downloads); returning ends
    /// the response. Writes throw once the client has gone; the task is cancelled on shutdown.
    public typealias BodyStreamer = @Sendable (HTTPBodyWriter) async throws -> Void

    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields to send.
    public var headers: [(name: String, value: String)]
    /// The response body (not sent for `HEAD` requests).
    public var body: [UInt8]
    /// When set, the body is streamed by this closure instead (chunked transfer encoding;
    /// ``body`` is ignored).
    public var stream: BodyStreamer?

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body `streamer` writes over time.
    public static func streaming(status: Int = 200, headers: [(name: String, value: String)] = [],
                                 _ streamer: @escaping BodyStreamer) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.stream = streamer
        return response
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// An `application/json` response from already-encoded JSON.
    public static func json(_ body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Hands the pieces of a streamed body (see ``HTTPResponse/stream``) to the connection.
public struct HTTPBodyWriter: Sendable {
    private let sink: @Sendable ([UInt8]) async throws -> Void

    /// A writer that passes every piece to `sink` (the server's connection, or a test's buffer).
    public init(_ sink: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.sink = sink
    }

    /// Sends `bytes` now; throws when the connection is gone.
    public func write(_ bytes: [UInt8]) async throws {
        try await sink(bytes)
    }

    /// Sends UTF-8 text now.
    public func write(_ text: String) async throws {
        try await sink(Array(text.utf8))
    }
}
