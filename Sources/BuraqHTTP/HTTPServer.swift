import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server on SwiftNIO, run as a `Service`: every request is read whole and
/// passed to one ``HTTPHandler`` or to an ``HTTPRouter``.
///
/// Requests are read and answered on NIO's event loops (``HTTPConnectionHandler``); async
/// handlers run in a Swift task, direct ones (``HTTPDirectHandler``) on the event loop itself.
/// Keep-alive and pipelined requests are supported; connections idle longer than
/// ``Configuration/idleTimeout`` are closed, bodies over ``Configuration/maxBodyBytes`` get 413.
/// On graceful shutdown (or cancellation) it stops accepting, closes idle connections, lets
/// requests in progress finish (their responses say `Connection: close`), cancels streamed
/// responses, and returns once every connection has closed.
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/healthz") { _ in .text("ok\n") }
/// let server = HTTPServer(configuration: .init(host: "0.0.0.0", port: 2112), router: router)
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
        /// On shutdown, a request still unanswered after this long has its connection closed.
        public var shutdownGracePeriod: Duration

        public init(host: String = "0.0.0.0", port: Int, maxBodyBytes: Int = 1 << 20, idleTimeout: Duration = .seconds(60),
                    shutdownGracePeriod: Duration = .seconds(10)) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.idleTimeout = idleTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
        }
    }

    public let configuration: Configuration
    private let dispatch: HTTPDirectHandler
    private let logger: Logger
    private let group: any EventLoopGroup
    private let listening = Mutex<ListeningState>(.init())
    private let connections = HTTPConnectionSet()

    private struct ListeningState {
        var port: Int?
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    /// A server answering every request with `handler`, each in a Swift task.
    /// - Parameter group: the event loops; defaults to NIO's shared singleton group.
    public convenience init(configuration: Configuration, logger: Logger = Logger(label: "buraq.http"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, handler: @escaping HTTPHandler) {
        self.init(configuration: configuration, logger: logger, group: group, dispatch: { request, respond in
            Task { respond(await handler(request)) }
        })
    }

    /// A server answering with `router`: its direct routes on the event loop, the others in a Swift task.
    /// - Parameter group: the event loops; defaults to NIO's shared singleton group.
    public convenience init(configuration: Configuration, logger: Logger = Logger(label: "buraq.http"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, router: HTTPRouter) {
        self.init(configuration: configuration, logger: logger, group: group, dispatch: router.respond(to:with:))
    }

    /// A server passing every request to `dispatch` on the connection's event loop.
    public init(configuration: Configuration, logger: Logger = Logger(label: "buraq.http"),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, dispatch: @escaping HTTPDirectHandler) {
        self.configuration = configuration
        self.dispatch = dispatch
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
        let idle = Self.timeAmount(configuration.idleTimeout)
        let connections = self.connections
        let maxBodyBytes = configuration.maxBodyBytes
        let logger = self.logger
        let dispatch = self.dispatch
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    guard connections.add(channel) else { return channel.close() }
                    return channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                        try pipeline.addHandler(IdleConnectionCloser())
                        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                        try pipeline.addHandler(HTTPConnectionHandler(maxBodyBytes: maxBodyBytes, logger: logger, dispatch: dispatch))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
        } catch {
            publish(.failure(error))
            logger.error("Cannot listen for HTTP", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)", "error": "\(error)"])
            throw error
        }
        let port = server.localAddress?.port ?? configuration.port
        publish(.success(port))
        logger.info("Listening for HTTP", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await server.closeFuture.get()
            } onGracefulShutdown: {
                server.close(promise: nil)
            }
        } onCancel: {
            server.close(promise: nil)
        }
        // Stopped accepting: end keep-alive connections too.
        let open = connections.shutDown(gracePeriod: Self.timeAmount(configuration.shutdownGracePeriod))
        await connections.waitUntilEmpty()
        logger.info("Stopped listening for HTTP", metadata: ["port": "\(port)", "connectionsClosed": "\(open)"])
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
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
