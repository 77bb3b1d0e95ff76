import BuraqKube
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fake Kubernetes API server on SwiftNIO (HTTP/1.1, loopback): ``FakeAPIStore`` semantics over
/// the real URL layout, discovery for `kubectl`, chunked watch streams with bookmarks, bearer-token
/// checks and fault injection.
///
/// ```swift
/// let server = try await FakeAPIServer.start()
/// let client = KubeClient(configuration: ClientConfiguration(server: server.url))
/// server.faults.inject(.status(503), count: 2)       // the next two requests fail
/// ...
/// await server.shutdown()
/// ```
public final class FakeAPIServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// When set, every request but health checks needs `Authorization: Bearer TOKEN` (else 401).
        public var token: String?
        /// How often watches that asked for bookmarks get one.
        public var bookmarkInterval: Duration
        /// The longest a watch without `timeoutSeconds` stays open.
        public var maxWatchDuration: Duration
        /// Answer a watch from a too-old resourceVersion with HTTP 410 instead of (as the real
        /// server does) 200 and an `ERROR` event carrying a 410 `Expired` status.
        public var expiredWatchAsHTTPError: Bool

        public init(host: String = "127.0.0.1", port: Int = 0, token: String? = nil,
                    bookmarkInterval: Duration = .seconds(1), maxWatchDuration: Duration = .seconds(1800),
                    expiredWatchAsHTTPError: Bool = false) {
            self.host = host
            self.port = port
            self.token = token
            self.bookmarkInterval = bookmarkInterval
            self.maxWatchDuration = maxWatchDuration
            self.expiredWatchAsHTTPError = expiredWatchAsHTTPError
        }
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public let configuration: Configuration
    public let store: FakeAPIStore
    public let faults = FaultInjector()
    /// The port the server listens on.
    public let port: Int
    private let channel: any Channel
    private let acceptLoop: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let log = Mutex<[(at: ContinuousClock.Instant, request: String)]>([])
    private let streaming = Atomic<Int>(0)

    /// Watches whose response head has been written (the client is reading their events). A test
    /// that drops watches waits for this, not for ``FakeAPIStore/openWatches`` (counted as soon as
    /// the store registers the watch, before the response starts), so it drops an established watch.
    public var streamingWatches: Int { streaming.load(ordering: .relaxed) }

    func watchStreaming(_ change: Int) {
        streaming.add(change, ordering: .relaxed)
    }
    let logger: Logger

    /// `http://HOST:PORT`.
    public var url: String { "http://\(configuration.host):\(port)" }

    /// Every request so far, as `METHOD /path?query`, oldest first.
    public var requests: [String] { log.withLock { $0.map(\.request) } }

    /// When the first request starting with `prefix` (`METHOD /path`) arrived at or after `since`:
    /// the server's own time, so a test measuring a reaction does not count its own polling.
    public func firstRequest(_ prefix: String, since: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        log.withLock { $0.first { $0.at >= since && $0.request.hasPrefix(prefix) }?.at }
    }

    /// Forgets the recorded requests.
    public func clearRequests() { log.withLock { $0 = [] } }

    /// Starts listening and serving.
    public static func start(configuration: Configuration = Configuration(), store: FakeAPIStore = FakeAPIStore(),
                             logger: Logger = Logger(label: "buraq.fake-apiserver")) async throws -> FakeAPIServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let instance = FakeAPIServer(configuration: configuration, store: store, channel: server.channel,
                                     port: server.channel.localAddress?.port ?? configuration.port, logger: logger)
        let task = Task<Void, Never> {
            _ = try? await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await instance.serve(connection) }
                    }
                }
            }
        }
        instance.acceptLoop.withLock { $0 = task }
        return instance
    }

    private init(configuration: Configuration, store: FakeAPIStore, channel: any Channel, port: Int, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.channel = channel
        self.port = port
        self.logger = logger
    }

    /// Stops listening and ends every connection.
    public func shutdown() async {
        try? await channel.close()
        let task = acceptLoop.withLock { $0 }
        task?.cancel()
        await task?.value
    }

    /// Blocks until the server stops (for the standalone executable).
    public func run() async {
        let task = acceptLoop.withLock { $0 }
        await task?.value
    }

    func record(_ line: String) {
        let now = ContinuousClock.now
        log.withLock { $0.append((now, line)) }
    }

    private func serve(_ connection: Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let request = head else { continue }
                    let responder = FakeAPIResponder(server: self, head: request, body: Array(buffer: body), outbound: outbound)
                    let keepOpen = try await responder.respond()
                    if !keepOpen || !request.isKeepAlive { return }
                    head = nil
                }
            }
        }
    }
}
