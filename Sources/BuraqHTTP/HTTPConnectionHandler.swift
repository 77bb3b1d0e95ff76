import Logging
import NIOCore
import NIOHTTP1

/// Asks an ``HTTPConnectionHandler`` to end its connection: now when idle, else after the
/// response in progress (with `Connection: close`); a streamed response is cancelled.
struct HTTPConnectionShutdownEvent: Sendable {}

/// Serves the requests of one connection on its event loop, after NIO's HTTP/1.1 decoder and
/// `HTTPServerPipelineHandler` (which holds pipelined requests back until the previous response
/// has ended, so at most one request is answered at a time).
///
/// A request's body is gathered in one `ByteBuffer` (over the limit: 413 and close), then handed
/// to `dispatch` with a responder; the responder may be called from any thread and hops to the
/// event loop only when it is called elsewhere. No Swift task is made unless the route is async or
/// the response is streamed.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let maxBodyBytes: Int
    private let dispatch: HTTPDirectHandler
    private let logger: Logger

    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    /// Requests answered or being answered; a responder answers only while its number is current.
    private var requestNumber = 0
    private var inFlight = false
    private var quiescing = false
    private var streamTask: Task<Void, Never>?
    private var remoteAddress: String?

    init(maxBodyBytes: Int, logger: Logger, dispatch: @escaping HTTPDirectHandler) {
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.dispatch = dispatch
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress?.ipAddress
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { remoteAddress = context.channel.remoteAddress?.ipAddress }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            tooLarge = false
            // curl and others wait for this before sending a body of more than 1 KiB.
            if h.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
        case .body(let chunk):
            guard !tooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeImmutableBuffer(chunk)
            }
        case .end:
            guard let h = head else { return }
            head = nil
            requestNumber += 1
            inFlight = true
            if tooLarge {
                finish(.text("Request body over \(maxBodyBytes) bytes\n", status: 413), for: h, number: requestNumber, context: context)
                return
            }
            var request = HTTPRequest(method: h.method.rawValue, target: h.uri,
                                      headers: h.headers.map { (name: $0.name, value: $0.value) },
                                      body: body.map { Array($0.readableBytesView) } ?? [])
            body = nil
            request.remoteAddress = remoteAddress
            let loop = context.eventLoop
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
            let number = requestNumber
            dispatch(request, HTTPResponder { response in
                if loop.inEventLoop {
                    bound.value.handler.finish(response, for: h, number: number, context: bound.value.context)
                } else {
                    loop.execute { bound.value.handler.finish(response, for: h, number: number, context: bound.value.context) }
                }
            })
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is HTTPConnectionShutdownEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        if let streamTask {
            streamTask.cancel()
        } else if !inFlight {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamTask?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("HTTP connection ended with an error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes the response to request `number` (ignored when that request was already answered or
    /// the connection has closed).
    private func finish(_ response: HTTPResponse, for request: HTTPRequestHead, number: Int, context: ChannelHandlerContext) {
        guard number == requestNumber, inFlight else { return }
        guard context.channel.isActive else {
            inFlight = false
            return
        }
        let streamer = request.method == .HEAD ? nil : response.stream
        // A stream without chunked encoding (HTTP/1.0) ends by closing the connection.
        let streamCloses = streamer != nil && !(request.version.major == 1 && request.version.minor >= 1)
        let keepAlive = request.isKeepAlive && !tooLarge && !streamCloses && !quiescing
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 2)
        for (name, value) in response.headers where !Self.isFramingHeader(name) {
            headers.add(name: name, value: value)
        }
        if streamer == nil {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let streamer {
            context.flush()
            stream(streamer, for: request, keepAlive: keepAlive, context: context)
            return
        }
        if request.method != .HEAD && !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        end(keepAlive: keepAlive, context: context)
    }

    /// Ends the response. The pipeline handler may hand over the next pipelined request while
    /// `.end` is written, so this request's state is cleared first.
    private func end(keepAlive: Bool, context: ChannelHandlerContext) {
        inFlight = false
        tooLarge = false
        let channel = context.channel
        if keepAlive && !quiescing {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Runs a streamed body in a task; its pieces go out as chunks, then the response ends.
    private func stream(_ streamer: @escaping HTTPResponse.BodyStreamer, for request: HTTPRequestHead, keepAlive: Bool,
                        context: ChannelHandlerContext) {
        let channel = context.channel
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let logger = self.logger
        let uri = request.uri
        streamTask = Task {
            do {
                // NIO's encoder frames the body with chunked transfer encoding (HTTP/1.1).
                try await streamer(HTTPBodyWriter { bytes in
                    try Task.checkCancellation()
                    try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes)))).get()
                })
            } catch {
                logger.debug("HTTP stream ended", metadata: ["path": "\(uri)", "error": "\(error)"])
            }
            loop.execute {
                let (handler, context) = bound.value
                handler.streamTask = nil
                guard context.channel.isActive else {
                    handler.inFlight = false
                    return
                }
                handler.end(keepAlive: keepAlive, context: context)
            }
        }
    }

    /// `Content-Length` and `Connection` are the server's to set.
    private static func isFramingHeader(_ name: String) -> Bool {
        name.utf8.count == 14 && name.lowercased() == "content-length" || name.utf8.count == 10 && name.lowercased() == "connection"
    }
}
