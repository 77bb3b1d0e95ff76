import Foundation

/// A reply read by ``LoopbackHTTPClient``.
public struct HTTPReply: Sendable {
    public var status: Int
    /// Header fields with lower-cased names (the last value wins).
    public var headers: [String: String]
    public var body: [UInt8]
    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client for tests against servers on 127.0.0.1: one keep-alive connection,
/// blocking socket calls on a dedicated thread (never on Swift's cooperative pool), replies framed
/// by `Content-Length`.
public final class LoopbackHTTPClient: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            // No close here: every stored property is set, so `deinit` runs for this failed
            // initialiser and closes `fd`. Closing it twice would close whatever descriptor the
            // process opened with that number meanwhile (a Redis connection, another test's socket).
            throw TestSupportError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// One GET on a new connection, closed after.
    public static func get(port: Int, _ path: String) async throws -> HTTPReply {
        let client = try LoopbackHTTPClient(port: port)
        return try await client.request("GET", path)
    }

    /// Sends a request on this connection and reads the reply.
    public func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> HTTPReply {
        try await onOwnThread {
            try self.lock.withLock {
                var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                for (k, v) in headers { text += "\(k): \(v)\r\n" }
                if !body.isEmpty || method == "POST" || method == "PUT" { text += "Content-Length: \(body.count)\r\n" }
                text += "\r\n"
                try self.sendAll(Array(text.utf8) + body)
                var reply = try self.readReply(headOnly: method == "HEAD")
                while (100..<200).contains(reply.status) { reply = try self.readReply(headOnly: method == "HEAD") }  // 100 Continue
                return reply
            }
        }
    }

    /// Sends `text` as it is (a hand-made request, well-formed or not) and reads one reply.
    public func raw(_ text: String) async throws -> HTTPReply {
        try await onOwnThread {
            try self.lock.withLock {
                try self.sendAll(Array(text.utf8))
                return try self.readReply(headOnly: false)
            }
        }
    }

    /// Sends `targets` as pipelined GETs in one write, then reads their replies in order.
    public func pipelined(_ targets: [String]) async throws -> [HTTPReply] {
        try await onOwnThread {
            try self.lock.withLock {
                let text = targets.map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined()
                try self.sendAll(Array(text.utf8))
                return try targets.map { _ in try self.readReply(headOnly: false) }
            }
        }
    }

    /// Sends a GET and returns everything read (head and raw body, chunk framing included) once
    /// `done` is true of it; for streamed replies such as Server-Sent Events. The connection
    /// serves no further requests.
    public func readStream(_ target: String, headers: [String: String] = [:],
                           until done: @escaping @Sendable (String) -> Bool) async throws -> String {
        try await onOwnThread {
            try self.lock.withLock {
                var text = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                for (k, v) in headers { text += "\(k): \(v)\r\n" }
                try self.sendAll(Array((text + "\r\n").utf8))
                while !done(String(decoding: self.buffer, as: UTF8.self)) { try self.fill() }
                return String(decoding: self.buffer, as: UTF8.self)
            }
        }
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }  // a signal arrived (a debugger, a profiler): try again
            guard n > 0 else { throw TestSupportError("send failed: errno \(errno)") }
            sent += n
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var n: Int
        repeat {
            n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        } while n < 0 && errno == EINTR  // a signal arrived (a debugger, a profiler): read again
        guard n > 0 else { throw TestSupportError(n == 0 ? "connection closed by the server" : "recv failed: errno \(errno)") }
        buffer.append(contentsOf: chunk[..<n])
    }

    private func readReply(headOnly: Bool) throws -> HTTPReply {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where Array(buffer[i..<i + 4]) == separator {
                    end = i
                    break
                }
            }
            if end == nil { try fill() }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestSupportError("bad status line: \(headText)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = headOnly || status < 200 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return HTTPReply(status: status, headers: headers, body: body)
    }
}
