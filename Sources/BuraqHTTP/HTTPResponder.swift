/// Handles one request without an async task: called on the connection's event loop, so it must
/// not block; it answers by calling the ``HTTPResponder`` exactly once, at once or later from any
/// thread (e.g. from a Redis client's completion). For hot routes, where hopping to a Swift task
/// and back costs more than the work itself.
public typealias HTTPDirectHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

/// Delivers the response to one request (see ``HTTPDirectHandler``). Call it once; later calls
/// are ignored by the server.
public struct HTTPResponder: Sendable {
    private let send: @Sendable (HTTPResponse) -> Void

    /// A responder passing the response to `send` (the server's connection, or a test's continuation).
    public init(_ send: @escaping @Sendable (HTTPResponse) -> Void) {
        self.send = send
    }

    /// Sends `response`.
    public func callAsFunction(_ response: HTTPResponse) {
        send(response)
    }

    /// This responder with `transform` applied to the response first (metrics, extra headers).
    public func map(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPResponder {
        let send = self.send
        return HTTPResponder { send(transform($0)) }
    }
}
