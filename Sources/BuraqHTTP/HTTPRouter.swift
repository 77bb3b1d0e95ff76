/// Handles one request. Handlers do not throw: turn failures into a response (e.g. status 500).
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse
/// Routes requests by method and path to handlers.
///
/// A path is either exact (`/metrics`) or a pattern whose `{name}` segments match any one
/// non-empty segment (`/v1/queues/{queue}/tasks`); the handler reads them with
/// ``HTTPRequest/parameter(_:)``. Exact paths win over patterns; patterns are tried in the
/// order added. Unknown paths get 404; a known path with another method gets 405 with an `Allow`
/// header; `HEAD` is answered by the `GET` route (the server drops the body).
///
/// Routes are async (``HTTPHandler``, run in a Swift task) or direct (``HTTPDirectHandler``,
/// run on the connection's event loop and answered through an ``HTTPResponder``).
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/healthz") { _ in .text("ok\n") }
/// router.get("/items/{id}") { request in .text(request.parameter("id")) }
/// let server = HTTPServer(configuration: .init(port: 8080), handler: router.handler)
/// ```
public struct HTTPRouter: Sendable {
    private var routes: [String: [String: Route]] = [:]
    /// Paths with `{name}` segments, split into segments, in the order added.
    private var patterns: [(path: String, segments: [Segment])] = []

    /// One segment of a pattern: text to match exactly, or a `{name}` parameter.
    private enum Segment: Sendable {
        case literal(Substring)
        case parameter(String)
    }

    /// A route's handler.
    private enum Route: Sendable {
        case async(HTTPHandler)
        case direct(HTTPDirectHandler)
    }

    /// What the router makes of a request: a route to run (with path parameters filled in) or
    /// its own answer (404, 405).
    private enum Resolution {
        case route(Route, HTTPRequest)
        case answer(HTTPResponse)
    }

    public init() {}

    /// Every route as (method, path pattern), sorted by path then method.
    public var routeList: [(method: String, path: String)] {
        routes.flatMap { path, byMethod in byMethod.keys.map { (method: $0, path: path) } }
            .sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    /// Adds a handler for `method` (e.g. `POST`) on `path` (e.g. `/tasks` or `/tasks/{id}`),
    /// replacing an earlier one.
    public mutating func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        add(method, path, route: .async(handler))
    }

    /// Adds a direct handler (see ``HTTPDirectHandler``) for `method` on `path`, replacing an earlier one.
    public mutating func add(_ method: String, _ path: String, direct handler: @escaping HTTPDirectHandler) {
        add(method, path, route: .direct(handler))
    }

    private mutating func add(_ method: String, _ path: String, route: Route) {
        if routes[path] == nil && path.contains("{") {
            patterns.append((path, path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.first == "{" && segment.last == "}" ? .parameter(String(segment.dropFirst().dropLast())) : .literal(segment)
            }))
        }
        routes[path, default: [:]][method.uppercased()] = route
    }

    /// Adds a `GET` (and `HEAD`) handler.
    public mutating func get(_ path: String, _ handler: @escaping HTTPHandler) { add("GET", path, handler) }

    /// Adds a `POST` handler.
    public mutating func post(_ path: String, _ handler: @escaping HTTPHandler) { add("POST", path, handler) }

    /// Answers one request.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch resolve(request) {
        case .answer(let response): return response
        case .route(.async(let handler), let request): return await handler(request)
        case .route(.direct(let handler), let request):
            return await withCheckedContinuation { continuation in
                handler(request, HTTPResponder { continuation.resume(returning: $0) })
            }
        }
    }

    /// Answers one request through `responder`: direct routes run here and now, async routes in a
    /// new task (the server calls this on the connection's event loop).
    public func respond(to request: HTTPRequest, with responder: HTTPResponder) {
        switch resolve(request) {
        case .answer(let response): responder(response)
        case .route(.direct(let handler), let request): handler(request, responder)
        case .route(.async(let handler), let request): Task { responder(await handler(request)) }
        }
    }

    private func resolve(_ request: HTTPRequest) -> Resolution {
        var request = request
        guard let route = match(&request) else {
            return .answer(.text("Not found: \(request.path)\n", status: 404))
        }
        let byMethod = routes[route] ?? [:]
        if let handler = byMethod[request.method] ?? (request.method == "HEAD" ? byMethod["GET"] : nil) {
            return .route(handler, request)
        }
        var allowed = Set(byMethod.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        var response = HTTPResponse.text("Method \(request.method) not allowed on \(request.path)\n", status: 405)
        response.headers.append(("Allow", allowed.sorted().joined(separator: ", ")))
        return .answer(response)
    }

    /// The route pattern that matches the request's path, filling in its path parameters.
    private func match(_ request: inout HTTPRequest) -> String? {
        if routes[request.path] != nil { return request.path }
        guard !patterns.isEmpty else { return nil }
        let segments = request.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Substring.init)
        for pattern in patterns where pattern.segments.count == segments.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (expected, actual) in zip(pattern.segments, segments) {
                switch expected {
                case .parameter(let name) where !actual.isEmpty: parameters[name] = String(actual)
                case .literal(let text) where text == actual: continue
                default: matched = false
                }
                if !matched { break }
            }
            if matched {
                request.pathParameters = parameters
                return pattern.path
            }
        }
        return nil
    }

    /// This router as a server handler.
    public var handler: HTTPHandler {
        let router = self
        return { request in await router.handle(request) }
    }
}
