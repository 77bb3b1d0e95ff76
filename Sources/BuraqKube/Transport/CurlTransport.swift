/// ``HTTPTransport`` on libcurl: one engine thread, kept-alive connections, TLS verified by default.
public final class CurlTransport: HTTPTransport {
    private let engine: CurlEngine
    private let baseURL: String

    /// - Parameters:
    ///   - baseURL: `https://host:port` of the API server (a trailing `/` is ignored).
    ///   - connectTimeout: how long to wait for a TCP and TLS handshake.
    ///   - requestTimeout: how long a whole non-watch request may take.
    public init(baseURL: String, tls: TLSOptions = TLSOptions(), connectTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(60), userAgent: String = "buraq/0.1") {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        engine = CurlEngine(settings: .init(baseURL: base, tls: tls, connectTimeout: connectTimeout,
                                            requestTimeout: requestTimeout, userAgent: userAgent))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request, url: baseURL + request.target)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.waiter = .buffered(continuation)
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let transfer = CurlTransfer(request: request, url: baseURL + request.target)
        let engine = self.engine
        // Whoever stops reading the body (or drops it) ends the transfer.
        transfer.onReaderGone = { [weak engine, weak transfer] in
            if let engine, let transfer { engine.cancel(transfer) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.waiter = .streaming(continuation)
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// Ends every transfer and the engine thread. Requests after this fail with `closed`.
    public func shutdown() {
        engine.shutdown()
    }
}
