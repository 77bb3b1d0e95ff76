/// ``HTTPTransport`` on libcurl: one engine thread, kept-alive connections, TLS verified by default.
public final class CurlTransport: HTTPTransport {
    private let engine: CurlEngine
    private let baseURL: String
    private let streamBufferLimit: Int

    /// - Parameters:
    ///   - baseURL: `https://host:port` of the API server (a trailing `/` is ignored).
    ///   - connectTimeout: how long to wait for a TCP and TLS handshake.
    ///   - requestTimeout: how long a whole non-watch request may take.
    ///   - streamBufferLimit: unread bytes of a streaming body (a watch) above which the transfer
    ///     pauses until the reader catches up.
    public init(baseURL: String, tls: TLSOptions = TLSOptions(), connectTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(60), userAgent: String = "buraq/0.1", streamBufferLimit: Int = 4 << 20) {
        self.streamBufferLimit = streamBufferLimit
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
        let transfer = CurlTransfer(request: request, url: baseURL + request.target, pauseAbove: streamBufferLimit)
        let engine = self.engine
        // Whoever stops reading the body (or drops it) ends the transfer.
        transfer.onReaderGone = { [weak engine, weak transfer] in
            if let engine, let transfer { engine.cancel(transfer) }
        }
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.waiter = .streaming(continuation)
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
        // Count what the reader takes, so a paused transfer resumes once it has caught up.
        let reader = StreamReader(response.body.makeAsyncIterator()) { [weak engine, weak transfer] count in
            if let transfer, transfer.consumed(count) { engine?.resume(transfer) }
        }
        return HTTPStreamingResponse(status: response.status, headers: response.headers,
                                     body: AsyncThrowingStream(unfolding: { try await reader.next() }))
    }

    /// Ends every transfer and the engine thread. Requests after this fail with `closed`.
    public func shutdown() {
        engine.shutdown()
    }

    deinit {
        engine.shutdown()
    }
}

/// Reads a body stream for its one consumer and reports each chunk taken.
private final class StreamReader: @unchecked Sendable {
    // Only the stream's single consumer calls `next`, one call at a time.
    private var iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    private let taken: @Sendable (Int) -> Void

    init(_ iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator, taken: @escaping @Sendable (Int) -> Void) {
        self.iterator = iterator
        self.taken = taken
    }

    func next() async throws -> [UInt8]? {
        let chunk = try await iterator.next()
        if let chunk { taken(chunk.count) }
        return chunk
    }
}
