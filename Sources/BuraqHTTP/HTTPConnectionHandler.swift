import Logging
import NIOCore
import NIOHTTP1

/// Asks an ``HTTPConnectionHandler`` to end its connection: now when idle, else after the
/// response in progress (with `Connection: close`); a streamed response is cancelled.
struct HTTPConnectionShutdownEvent: Sendable {}

/// Serves the requests of one connection on its event loop, after NIO's HTTP/1.1 request decoder.
///
/// A request's body is gathered in one `ByteBuffer` (over the limit: 413 and close), then handed
/// to `dispatch` with a responder; the responder may be called from any thread and hops to the
/// event loop only when it is called elsewhere. No Swift task is made unless the route is async or
/// the response is streamed. Each response goes out as one buffer (``HTTPWireFormat``).
///
/// Pipelined requests wait in ``queued`` and are answered in order, one at a time; while
/// ``maxQueued`` wait, the handler stops reading from the socket.
final class HTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A request read whole, waiting for its turn.
    private struct Pending {
        var head: HTTPRequestHead
        var body: ByteBuffer?
        var tooLarge: Bool
    }

    private static let maxQueued = 16

    private let maxBodyBytes: Int
    private let dispatch: HTTPDirectHandler
    private let logger: Logger

    /// The request being read.
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var queued = CircularBuffer<Pending>()
    /// Requests dispatched so far; a responder answers only while its number is current.
    private var requestNumber = 0
    /// The request being answered, if any.
    private var answering: Pending?
    private var draining = false
    private var readSuppressed = false
    private var quiescing = false
    private var streamTask: Task<Void, Never>?
    private var remoteAddress: String?

    init(maxBodyBytes: Int, logger: Logger, dispatch: @escaping HTTPDirectHandler) {
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.dispatch = dispatch
    }

    func handlerAdded(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress?.ipAddress
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress?.ipAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            tooLarge = false
            // curl and others wait for this before sending a body of more than 1 KiB. Not while
            // earlier pipelined requests are unanswered: it would go out before their responses.
            if answering == nil && queued.isEmpty, let expect = h.headers.first(name: "expect"), expect.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(staticString: HTTPWireFormat.continueHead)), promise: nil)
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
            queued.append(Pending(head: h, body: body, tooLarge: tooLarge))
            body = nil
            serveNext(context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        if queued.count >= Self.maxQueued {
            readSuppressed = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is HTTPConnectionShutdownEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        queued.removeAll()
        if let streamTask {
            streamTask.cancel()
        } else if answering == nil {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        streamTask?.cancel()
        queued.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request NIO's parser refused: 400 unless a response is under way, then close.
        if error is HTTPParserError && answering == nil && context.channel.isActive {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(staticString: HTTPWireFormat.badRequest)), promise: nil)
        }
        logger.debug("HTTP connection ended with an error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Answers queued requests in order while none is being answered. Responses given at once
    /// (direct routes) come back here through ``end(keepAlive:context:)``: the loop, not
    /// recursion, takes the next one.
    private func serveNext(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while answering == nil, !quiescing, context.channel.isActive, let next = queued.popFirst() {
            answering = next
            requestNumber += 1
            if readSuppressed && queued.count < Self.maxQueued {
                readSuppressed = false
                context.read()
            }
            start(next, number: requestNumber, context: context)
        }
    }

    private func start(_ pending: Pending, number: Int, context: ChannelHandlerContext) {
        if pending.tooLarge {
            finish(.text("Request body over \(maxBodyBytes) bytes\n", status: 413), number: number, context: context)
            return
        }
        let h = pending.head
        var request = HTTPRequest(method: h.method.rawValue, target: h.uri,
                                  headers: h.headers.map { (name: $0.name, value: $0.value) },
                                  body: pending.body.map { Array($0.readableBytesView) } ?? [])
        request.remoteAddress = remoteAddress
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        dispatch(request, HTTPResponder { response in
            if loop.inEventLoop {
                bound.value.handler.finish(response, number: number, context: bound.value.context)
            } else {
                loop.execute { bound.value.handler.finish(response, number: number, context: bound.value.context) }
            }
        })
    }

    /// Writes the response to request `number` (ignored when that request was already answered
    /// or the connection has closed).
    private func finish(_ response: HTTPResponse, number: Int, context: ChannelHandlerContext) {
        guard number == requestNumber, let request = answering?.head else { return }
        guard context.channel.isActive else {
            answering = nil
            return
        }
        let tooLarge = answering?.tooLarge ?? false
        let isHead = request.method == .HEAD
        let streamer = isHead ? nil : response.stream
        let http11 = request.version.major == 1 && request.version.minor >= 1
        // A stream without chunked encoding (HTTP/1.0) ends by closing the connection.
        let keepAlive = request.isKeepAlive && !tooLarge && !(streamer != nil && !http11) && !quiescing
        let framing: HTTPWireFormat.Framing
        if response.status == 204 || response.status == 304 {
            framing = .none
        } else if streamer != nil {
            framing = http11 ? .chunked : .close
        } else {
            framing = .length(response.body.count)
        }
        let sendsBody = !isHead && streamer == nil && framing != .none && !response.body.isEmpty
        var buffer = context.channel.allocator.buffer(capacity: 160 + (sendsBody ? response.body.count : 0))
        let dropped = HTTPWireFormat.writeHead(response, version: request.version, framing: framing, keepAlive: keepAlive, into: &buffer)
        if dropped > 0 {
            logger.warning("Left out response headers that would break the header block", metadata: ["path": "\(request.uri)", "dropped": "\(dropped)"])
        }
        if sendsBody { buffer.writeBytes(response.body) }
        if let streamer {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            stream(streamer, uri: request.uri, chunked: http11, keepAlive: keepAlive, context: context)
            return
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
        end(keepAlive: keepAlive, context: context)
    }

    /// Ends the current response: flushes, closes the connection or answers the next request.
    private func end(keepAlive: Bool, context: ChannelHandlerContext) {
        answering = nil
        if keepAlive && !quiescing {
            context.flush()
            serveNext(context: context)
        } else {
            queued.removeAll()
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Runs a streamed body in a task; its pieces go out as chunks, then the response ends.
    private func stream(_ streamer: @escaping HTTPResponse.BodyStreamer, uri: String, chunked: Bool, keepAlive: Bool,
                        context: ChannelHandlerContext) {
        let channel = context.channel
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let logger = self.logger
        streamTask = Task {
            do {
                try await streamer(HTTPBodyWriter { bytes in
                    try Task.checkCancellation()
                    guard !bytes.isEmpty else { return }  // an empty chunk would end the body
                    var buffer = channel.allocator.buffer(capacity: bytes.count + 12)
                    if chunked { HTTPWireFormat.writeChunk(bytes, into: &buffer) } else { buffer.writeBytes(bytes) }
                    try await channel.writeAndFlush(buffer).get()
                })
            } catch {
                logger.debug("HTTP stream ended", metadata: ["path": "\(uri)", "error": "\(error)"])
            }
            loop.execute {
                let (handler, context) = bound.value
                handler.streamTask = nil
                guard context.channel.isActive else {
                    handler.answering = nil
                    return
                }
                if chunked {
                    context.write(handler.wrapOutboundOut(context.channel.allocator.buffer(staticString: HTTPWireFormat.lastChunk)), promise: nil)
                }
                handler.end(keepAlive: keepAlive, context: context)
            }
        }
    }
}
