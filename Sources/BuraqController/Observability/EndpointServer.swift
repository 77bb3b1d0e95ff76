import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A very small HTTP/1.1 server for `/metrics`, `/healthz` and `/readyz`: GET only, one response
/// per connection (`Connection: close`), served from its own thread with `poll(2)` so nothing
/// blocks the cooperative pool. Enough for Prometheus and kubelet probes; not a general server.
public final class EndpointServer: Service, Sendable {
    /// A response.
    public struct Response: Sendable {
        /// HTTP status code.
        public var status: Int
        /// `Content-Type`.
        public var contentType: String
        /// The body.
        public var body: String

        /// Creates a response.
        public init(status: Int = 200, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    /// Produces the response for one path.
    public typealias Handler = @Sendable () -> Response

    private let host: String
    private let port: Int
    private let routes: [String: Handler]
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let boundPort = Mutex<Int?>(nil)

    /// A server for `address` (`:8080`, `127.0.0.1:8080`; port 0 picks a free one) serving `routes`.
    public init(address: String, routes: [String: Handler], logger: Logger) throws(ControllerError) {
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let port = Int(parts.last!), (0...65535).contains(port) else {
            throw ControllerError(code: .invalidSpec, message: "Bind address '\(address)' is not [host]:port, e.g. :8080")
        }
        let host = parts.dropLast().joined(separator: ":")
        self.host = host.isEmpty || host == "0.0.0.0" ? "0.0.0.0" : host
        self.port = port
        self.routes = routes
        self.logger = logger
    }

    /// The port listened on, once bound.
    public var listeningPort: Int? { boundPort.withLock { $0 } }

    public func run() async throws {
        let fd = try listen()
        let thread = Thread { [self] in serve(fd) }
        thread.name = "endpoints-\(port)"
        thread.start()
        try? await gracefulShutdown()
        stopping.store(true, ordering: .relaxed)
        while boundPort.withLock({ $0 }) != nil { try? await Task.sleep(for: .milliseconds(20)) }
    }

    private func listen() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControllerError(code: .invalidSpec, message: "socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ControllerError(code: .invalidSpec, message: "Cannot listen on \(host):\(port): \(message)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let actual = Int(UInt16(bigEndian: address.sin_port))
        boundPort.withLock { $0 = actual }
        logger.info("Serving endpoints", metadata: ["address": "\(host):\(actual)", "paths": "\(routes.keys.sorted().joined(separator: ","))"])
        return fd
    }

    private func serve(_ listener: Int32) {
        defer {
            close(listener)
            boundPort.withLock { $0 = nil }
        }
        while !stopping.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            respond(client)
            close(client)
        }
    }

    private func respond(_ client: Int32) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384 {
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { break }
            request += buffer[0..<n]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
            if let text = String(bytes: request, encoding: .utf8), text.contains("\r\n\r\n") { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let response: Response
        if line.count < 2 {
            response = Response(status: 400, body: "bad request\n")
        } else if line[0] != "GET" && line[0] != "HEAD" {
            response = Response(status: 405, body: "only GET\n")
        } else {
            let path = line[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            response = routes[path]?() ?? Response(status: 404, body: "not found; try \(routes.keys.sorted().joined(separator: " "))\n")
        }
        let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable"][response.status] ?? "Status"
        let body = Array(response.body.utf8)
        let head = "HTTP/1.1 \(response.status) \(reason)\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if line.first != "HEAD" { bytes += body }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            sent += n
        }
    }
}
