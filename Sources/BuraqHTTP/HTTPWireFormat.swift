import NIOCore
import NIOHTTP1

/// Writes HTTP/1.x responses as bytes: the status line and header block, chunks of a streamed
/// body. ``HTTPConnectionHandler`` sends each response as one buffer through the channel instead
/// of head, body and end parts through NIO's response encoder (three trips through the pipeline).
enum HTTPWireFormat {
    /// How the body after a head is framed.
    enum Framing: Equatable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked` (HTTP/1.1 streams).
        case chunked
        /// Neither: the body ends when the connection closes (HTTP/1.0 streams).
        case close
        /// No body at all (204, 304).
        case none
    }

    /// Appends the status line and headers of `response` to `buffer`. `Content-Length`,
    /// `Transfer-Encoding` and `Connection` are the server's own; fields whose name or value
    /// could break the header block (CR, LF, NUL, a colon or space in a name) are left out and
    /// counted in the result.
    @discardableResult
    static func writeHead(_ response: HTTPResponse, version: HTTPVersion, framing: Framing, keepAlive: Bool,
                          into buffer: inout ByteBuffer) -> Int {
        var dropped = 0
        buffer.writeStaticString("HTTP/1.")
        buffer.writeString(version.minor == 0 ? "0 " : "1 ")
        buffer.writeString(String(response.status))
        buffer.writeStaticString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: response.status).reasonPhrase)
        buffer.writeStaticString("\r\n")
        for (name, value) in response.headers {
            if isFramingHeader(name) { continue }
            guard isValidName(name), isValidValue(value) else {
                dropped += 1
                continue
            }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        switch framing {
        case .length(let count):
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(count))
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        case .close, .none:
            break
        }
        buffer.writeStaticString(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
        return dropped
    }

    /// One piece of a chunked body: size in hex, the bytes, CRLF.
    static func writeChunk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(String(bytes.count, radix: 16))
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// The end of a chunked body.
    static let lastChunk: StaticString = "0\r\n\r\n"

    /// The interim answer to `Expect: 100-continue`.
    static let continueHead: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"

    /// The answer to a request NIO's parser refused.
    static let badRequest: StaticString = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    /// `Content-Length`, `Transfer-Encoding` and `Connection` are the server's to set.
    static func isFramingHeader(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: return equalIgnoringCase(name, "connection")
        case 14: return equalIgnoringCase(name, "content-length")
        case 17: return equalIgnoringCase(name, "transfer-encoding")
        default: return false
        }
    }

    private static func equalIgnoringCase(_ name: String, _ lower: StaticString) -> Bool {
        var index = 0
        for byte in name.utf8 {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard index < lower.utf8CodeUnitCount, folded == lower.utf8Start[index] else { return false }
            index += 1
        }
        return index == lower.utf8CodeUnitCount
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 >= 0x7F }
    }

    private static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
