import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server on SwiftNIO, run as a `Service`: every request is read whole and
/// passed to one ``HTTPHandler`` (usually an ``HTTPRouter``).
///
/// Keep-alive and pipelined requests are supported; connections idle longer than
/// ``Configuration/idleTimeout`` are closed, bodies over ``Configuration/maxBodyBytes`` get 413.
/// On graceful shutdown it stops accepting, then closes open connections.
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/healthz") { _ in .text("ok\n") }
/// let server = HTTPServer(configuration: .init(host: "0.0.0.0", port: 2112), handler: router.handler)
/// try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public final class HTTPServer: Service, Sendable {
    /// Where and how the server listens.
    public struct Configuration: Sendable {
        /// Address to bind, e.g. `0.0.0.0` (all interfaces) or `127.0.0.1`.
        public var host: String
        /// Port to bind; 0 picks a free one (see ``HTTPServer/listeningPort()``).
        public var port: Int
        /// Largest request body accepted.
        public var maxBodyBytes: Int
        /// A connection without a request for this long is closed.
        public var idleTimeout: Duration

        public init(host: String = "0.0.0.0", port: Int, maxBodyBytes: Int = 1 << 20, idleTimeout: Duration = .seconds(60)) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.idleTimeout = idleTimeout
        }
    }

    public let configuration: Configuration
    private let handler: HTTPHandler
    private let logger: Logger
    private let group: any EventLoopGroup
    private let listening = Mutex<ListeningState>(.init())

    private struct ListeningState {
        var port: Int?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    /// - Parameter group: the event loops; defaults to NIO's shared singleton group.
    public init(configuration: Configuration, logger: Logger = Logger(label: "buraq.http"),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.group = group
    }

    /// The port the server listens on, once it does (waits for ``run()`` to bind).
    /// - Throws: the bind error when binding failed.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let ready = listening.withLock { s -> Result<Int, any Error>? in
                if let port = s.port { return .success(port) }
                if let failure = s.failure { return .failure(failure) }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    public func run() async throws {
        let idle = TimeAmount.nanoseconds(configuration.idleTimeout.components.seconds * 1_000_000_000
            + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            publish(.failure(error))
            logger.error("Cannot listen for HTTP", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)"])
            throw error
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        publish(.success(port))
        logger.info("Listening for HTTP", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { connections in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask { await self.serve(connection) }
                    }
                }
                // Stopped accepting: close keep-alive connections too.
                connections.cancelAll()
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        logger.info("Stopped listening for HTTP", metadata: ["port": "\(port)"])
    }

    private func publish(_ result: Result<Int, any Error>) {
        let waiters = listening.withLock { s -> [CheckedContinuation<Int, any Error>] in
            switch result {
            case .success(let port): s.port = port
            case .failure(let error): s.failure = error
            }
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let remoteAddress = connection.channel.remoteAddress?.ipAddress
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                        tooLarge = false
                        // curl and others wait for this before sending a body of more than 1 KiB.
                        if h.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                            try await outbound.write(.head(HTTPResponseHead(version: h.version, status: .continue)))
                        }
                    case .body(let chunk):
                        if body.count + chunk.readableBytes > configuration.maxBodyBytes {
                            tooLarge = true
                        } else {
                            body.append(contentsOf: chunk.readableBytesView)
                        }
                    case .end:
                        guard let h = head else { continue }
                        head = nil
                        var request = HTTPRequest(method: h.method.rawValue, target: h.uri,
                                                  headers: h.headers.map { (name: $0.name, value: $0.value) }, body: body)
                        request.remoteAddress = remoteAddress
                        let response = tooLarge
                            ? HTTPResponse.text("Request body over \(configuration.maxBodyBytes) bytes\n", status: 413)
                            : await handler(request)
                        // A stream without chunked encoding (HTTP/1.0) ends by closing the connection.
                        let streamCloses = response.stream != nil && !(h.version.major == 1 && h.version.minor >= 1)
                        let keepAlive = h.isKeepAlive && !tooLarge && !streamCloses && !Task.isCancelled
                        try await write(response, for: h, keepAlive: keepAlive, to: outbound)
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("HTTP connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func write(_ response: HTTPResponse, for request: HTTPRequestHead, keepAlive: Bool,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = HTTPHeaders()
        for (name, value) in response.headers where name.lowercased() != "content-length" && name.lowercased() != "connection" {
            headers.add(name: name, value: value)
        }
        let streamer = request.method == .HEAD ? nil : response.stream
        if streamer == nil {
            headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        }
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        guard let streamer else {
            // One write for the whole response: one hop to the event loop, one flush.
            var parts: [HTTPServerResponsePart] = [.head(head)]
            if request.method != .HEAD && !response.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            return
        }
        try await outbound.write(.head(head))
        // NIO's encoder frames the body with chunked transfer encoding (HTTP/1.1).
        do {
            try await streamer(HTTPBodyWriter { bytes in
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
            })
        } catch {
            logger.debug("HTTP stream ended", metadata: ["path": "\(request.uri)", "error": "\(error)"])
            if Task.isCancelled { throw error }
        }
        try await outbound.write(.end(nil))
    }
}

/// Closes a connection when its `IdleStateHandler` reports no reads for the idle timeout.
private final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
