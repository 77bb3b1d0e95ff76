import BuraqBase
import FoundationEssentials
import Logging
import Synchronization

/// ``KubernetesAPI`` over HTTP: libcurl underneath (``CurlTransport``), with client-go's habits on
/// top: a token-bucket rate limit (qps 20, burst 30 by default), retries with backoff and jitter on
/// 429/500/503/504 and broken connections (honouring `Retry-After`), every non-2xx decoded from
/// `metav1.Status` into ``KubeAPIError``, and watches decoded event by event.
public final class KubeClient: KubernetesAPI {
    public let configuration: ClientConfiguration
    private let transport: any HTTPTransport
    private let ownsTransport: CurlTransport?
    private let limiter: Mutex<TokenBucket>
    private let origin = ContinuousClock.now
    private let tokens: TokenSource
    private let logger: Logger
    private let observer: (any KubeClientObserver)?

    /// - Parameter transport: replaces libcurl (tests); by default a ``CurlTransport`` for the configuration.
    public init(configuration: ClientConfiguration, transport: (any HTTPTransport)? = nil,
                observer: (any KubeClientObserver)? = nil, logger: Logger = Logger(label: "buraq.kube")) {
        self.observer = observer
        self.configuration = configuration
        if let transport {
            self.transport = transport
            ownsTransport = nil
        } else {
            let curl = CurlTransport(baseURL: configuration.server, tls: configuration.tls,
                                     connectTimeout: configuration.connectTimeout,
                                     requestTimeout: configuration.requestTimeout, userAgent: configuration.userAgent)
            self.transport = curl
            ownsTransport = curl
        }
        limiter = Mutex(TokenBucket(qps: configuration.qps, burst: configuration.burst))
        tokens = TokenSource(configuration.credentials)
        self.logger = logger
    }

    /// Stops the transport's thread; in-flight requests fail with ``KubeClientError/Code/closed``.
    public func shutdown() {
        ownsTransport?.shutdown()
    }

    // MARK: KubernetesAPI

    public func get(_ resource: GroupVersionResource, namespace: String?, name: String, subresource: String?) async throws -> JSONValue {
        try await request("GET", resource.path(namespace: namespace, name: name, subresource: subresource))
    }

    public func list(_ resource: GroupVersionResource, namespace: String?, options: ListOptions) async throws -> ObjectList {
        ObjectList(json: try await request("GET", resource.path(namespace: namespace), query: options.queryItems))
    }

    public func list(
        _ resource: GroupVersionResource, namespace: String?, options: ListOptions,
        transformingItems transform: @escaping @Sendable (JSONValue) -> JSONValue
    ) async throws -> ObjectList {
        ObjectList(json: try await request("GET", resource.path(namespace: namespace), query: options.queryItems, transformingItems: transform))
    }

    public func create(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) async throws -> JSONValue {
        try await request("POST", resource.path(namespace: namespace), body: object.serialized())
    }

    public func update(_ resource: GroupVersionResource, namespace: String?, object: JSONValue, subresource: String?) async throws -> JSONValue {
        guard let name = object.name else {
            throw KubeClientError(.invalidConfiguration, "Update needs metadata.name", context: ["resource": "\(resource)"])
        }
        return try await request("PUT", resource.path(namespace: namespace, name: name, subresource: subresource),
                                 body: object.serialized())
    }

    public func patch(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch,
                      subresource: String?) async throws -> JSONValue {
        try await request("PATCH", resource.path(namespace: namespace, name: name, subresource: subresource),
                          query: patch.queryItems, body: patch.body(), contentType: patch.contentType)
    }

    public func delete(_ resource: GroupVersionResource, namespace: String?, name: String, options: DeleteOptions?) async throws -> JSONValue {
        try await request("DELETE", resource.path(namespace: namespace, name: name),
                          body: try options.map { try JSONValue(encoding: $0).serialized() })
    }

    public func watch(_ resource: GroupVersionResource, namespace: String?, options: WatchOptions) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>
    {
        // The transfer may last as long as the server keeps the watch, plus a margin.
        let timeout: Duration = options.timeoutSeconds.map { .seconds($0 + 30) } ?? .seconds(3600)
        let request = try makeRequest("GET", resource.path(namespace: namespace), query: options.queryItems,
                                      body: nil, contentType: nil, timeout: timeout)
        let response = try await withRetries(request) { request in
            let response = try await self.transport.stream(request)
            guard (200..<300).contains(response.status) else {
                let body = try await response.collect()
                throw Self.apiError(status: response.status, body: body, retryAfter: response.header("Retry-After"),
                                    request: request.summary)
            }
            return response
        }
        let state = WatchStreamState(body: response.body)
        return AsyncThrowingStream(unfolding: { try await state.next() })
    }

    // MARK: Requests

    private func request(_ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                         contentType: String? = nil, transformingItems: ((JSONValue) -> JSONValue)? = nil) async throws -> JSONValue {
        let request = try makeRequest(method, path, query: query, body: body,
                                      contentType: contentType ?? (body == nil ? nil : "application/json"), timeout: nil)
        let response = try await withRetries(request) { request in
            let response = try await self.transport.send(request)
            guard (200..<300).contains(response.status) else {
                throw Self.apiError(status: response.status, body: response.body, retryAfter: response.header("Retry-After"),
                                    request: request.summary)
            }
            return response
        }
        if response.body.isEmpty { return .null }
        do {
            return try JSONParser.parse(response.body, transformingItems: transformingItems)
        } catch {
            throw KubeClientError(.decoding, "Response is not JSON: \(String(decoding: response.body.prefix(200), as: UTF8.self))",
                                  context: ["request": request.summary])
        }
    }

    private func makeRequest(_ method: String, _ path: String, query: [(String, String)], body: [UInt8]?,
                             contentType: String?, timeout: Duration?) throws -> HTTPRequest {
        var target = path
        if !query.isEmpty {
            target += "?" + query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        var headers = [("Accept", "application/json")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        return HTTPRequest(method: method, target: target, headers: headers, body: body, timeout: timeout)
    }

    /// Rate limit, authorization, send; on a retryable failure wait and go again.
    private func withRetries<R: HTTPStatusCarrying>(_ request: HTTPRequest,
                                          _ attempt: @Sendable (HTTPRequest) async throws -> R) async throws -> R {
        var retry = 0
        while true {
            try await waitForRateLimit()
            var authorized = request
            if let authorization = try tokens.authorization() { authorized.headers.append(("Authorization", authorization)) }
            let started = ContinuousClock.now
            do {
                let result = try await attempt(authorized)
                observer?.requestFinished(method: request.method, code: result.status, duration: ContinuousClock.now - started)
                return result
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let code = (error as? KubeAPIError)?.code ?? 0
                observer?.requestFinished(method: request.method, code: code, duration: ContinuousClock.now - started)
                if let api = error as? KubeAPIError, api.isUnauthorized { tokens.invalidate() }
                retry += 1
                guard let delay = configuration.retry.delay(afterFailure: error, method: request.method, retry: retry) else {
                    throw error
                }
                observer?.requestRetried(method: request.method, code: code, delay: delay)
                logger.info("Retrying request", metadata: [
                    "request": "\(request.summary)", "attempt": "\(retry + 1)", "err": "\(error)",
                    "delaySeconds": "\(delay.seconds)",
                ])
                try await Task.sleep(for: delay)
            }
        }
    }

    private func waitForRateLimit() async throws {
        let now = ContinuousClock.now - origin
        let wait = limiter.withLock { $0.reserve(now: now) }
        if wait > .zero {
            if wait > .seconds(1) {
                logger.debug("Waiting for client-side rate limit", metadata: ["waitSeconds": "\(wait.seconds)"])
            }
            try await Task.sleep(for: wait)
        }
    }

    /// A non-2xx response as a ``KubeAPIError``: the `Status` body when there is one, else the code alone.
    static func apiError(status: Int, body: [UInt8], retryAfter: String?, request: String) -> KubeAPIError {
        let retryAfterSeconds = retryAfter.flatMap { Int($0.trimmedWhitespace) }
        if let decoded = try? JSONValue(parsing: body), decoded.kind == "Status", let s = try? decoded.decode(Status.self) {
            return KubeAPIError(status: s, httpCode: status, retryAfterSeconds: retryAfterSeconds, request: request)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmedWhitespace
        return KubeAPIError(code: status, reason: KubeAPIError.defaultReason(status),
                            message: text.isEmpty ? "The server answered \(status)" : text,
                            retryAfterSeconds: retryAfterSeconds, request: request)
    }

    static func percentEncode(_ value: String) -> String {
        PercentEncoding.encode(value)
    }
}

/// The reading side of one watch: body chunks in, decoded events out.
private final class WatchStreamState: @unchecked Sendable {
    // Only touched by the single consumer of the stream (`unfolding` calls `next` one at a time).
    private var iterator: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    private var decoder = WatchLineDecoder()
    private var ready: [WatchEvent] = []
    private var ended = false

    init(body: AsyncThrowingStream<[UInt8], any Error>) {
        iterator = body.makeAsyncIterator()
    }

    func next() async throws -> WatchEvent? {
        while ready.isEmpty {
            if ended { return nil }
            if let chunk = try await iterator.next() {
                ready += try decoder.push(chunk)
            } else {
                ended = true
                ready += try decoder.finish()
            }
        }
        return ready.removeFirst()
    }
}

/// A response with an HTTP status (for the observer).
protocol HTTPStatusCarrying: Sendable {
    var status: Int { get }
}

extension HTTPResponse: HTTPStatusCarrying {}
extension HTTPStreamingResponse: HTTPStatusCarrying {}
