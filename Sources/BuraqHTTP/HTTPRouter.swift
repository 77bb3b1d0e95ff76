/// Routes requests by method and exact path to handlers.
///
/// Unknown paths get 404; a known path with another method gets 405 with an `Allow` header;
/// `HEAD` is answered by the `GET` route (the server drops the body).
///
/// ```swift
/// var router = HTTPRouter()
/// router.get("/healthz") { _ in .text("ok\n") }
/// let server = HTTPServer(configuration: .init(port: 8080), handler: router.handler)
/// ```
public struct HTTPRouter: Sendable {
    private var routes: [String: [String: HTTPHandler]] = [:]

    public init() {}

    /// Adds a handler for `method` (e.g. `POST`) on `path` (e.g. `/tasks`), replacing an earlier one.
    public mutating func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        routes[path, default: [:]][method.uppercased()] = handler
    }

    /// Adds a `GET` (and `HEAD`) handler.
    public mutating func get(_ path: String, _ handler: @escaping HTTPHandler) { add("GET", path, handler) }

    /// Adds a `POST` handler.
    public mutating func post(_ path: String, _ handler: @escaping HTTPHandler) { add("POST", path, handler) }

    /// Answers one request.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let byMethod = routes[request.path] else {
            return .text("Not found: \(request.path)\n", status: 404)
        }
        if let handler = byMethod[request.method] ?? (request.method == "HEAD" ? byMethod["GET"] : nil) {
            return await handler(request)
        }
        var allowed = Set(byMethod.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        var response = HTTPResponse.text("Method \(request.method) not allowed on \(request.path)\n", status: 405)
        response.headers.append(("Allow", allowed.sorted().joined(separator: ", ")))
        return response
    }

    /// This router as a server handler.
    public var handler: HTTPHandler {
        let router = self
        return { request in await router.handle(request) }
    }
}
