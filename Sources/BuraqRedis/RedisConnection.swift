import BuraqBase
import CHiredis
import Glibc

/// One blocking hiredis connection. Not thread-safe: exactly one ``ConnectionThread`` owns it.
///
/// Every reply is copied into a ``RESPValue`` and freed at once. After any I/O error the hiredis
/// context is unusable, so it is freed and the next call reconnects, waiting an exponentially
/// growing, jittered delay after consecutive failures.
final class RedisConnection {
    private let configuration: RedisConfiguration
    private var context: UnsafeMutablePointer<redisContext>?
    private var consecutiveFailures = 0
    private var nextAttempt: ContinuousClock.Instant = .now
    private var currentTimeoutMs: Int = 0
    /// Called after each successful (re)connection, with the number of the connection (1 = first).
    private(set) var connectCount = 0

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    deinit { disconnect() }

    var isConnected: Bool { context != nil }

    func disconnect() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Runs commands in one round trip (all written, then all replies read, in order).
    /// Error replies come back as `.error` values; I/O failures throw.
    func execute(_ commands: [RedisCommand], timeout: Duration?) throws(RedisError) -> [RESPValue] {
        // Encode the whole pipeline as RESP once and hand hiredis one buffer: no per-command formatting.
        try execute(encoded: RESPEncoder.encode(commands), count: commands.count,
                    commandName: commands.first?.name ?? "", timeout: timeout)
    }

    /// Writes `count` commands already encoded as RESP and reads their replies, in order.
    func execute(encoded: [UInt8], count: Int, commandName: String, timeout: Duration?) throws(RedisError) -> [RESPValue] {
        try execute(encoded: encoded, count: count, commandName: commandName, timeout: timeout) { Self.convert($0) }
    }

    /// Writes `count` encoded commands and turns each reply, in order, into a `T` with `decode`,
    /// which sees the reply where hiredis parsed it (freed right after).
    func execute<T>(encoded: [UInt8], count: Int, commandName: String, timeout: Duration?,
                    decode: (UnsafeMutablePointer<redisReply>) -> T) throws(RedisError) -> [T] {
        let ctx = try connected()
        let wantedTimeout = (timeout ?? configuration.commandTimeout).wholeMilliseconds
        if wantedTimeout != currentTimeoutMs {
            if chiredis_set_timeout(ctx, wantedTimeout) != REDIS_OK {
                throw failure(ctx, command: commandName)
            }
            currentTimeoutMs = wantedTimeout
        }
        let rc = encoded.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(ctx, $0.baseAddress, $0.count) }
        }
        if rc != REDIS_OK { throw failure(ctx, command: commandName) }
        var replies: [T] = []
        replies.reserveCapacity(count)
        for _ in 0..<count {
            var raw: UnsafeMutableRawPointer?
            if redisGetReply(ctx, &raw) != REDIS_OK || raw == nil {
                throw failure(ctx, command: commandName)
            }
            let reply = raw!.assumingMemoryBound(to: redisReply.self)
            replies.append(decode(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    // MARK: - Connecting

    private func connected() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        let now = ContinuousClock.now
        if now < nextAttempt {
            // A dedicated thread: sleeping here spaces out reconnect attempts without touching the cooperative pool.
            OSThread.sleep(for: nextAttempt - now)
        }
        do {
            let ctx = try open()
            context = ctx
            consecutiveFailures = 0
            connectCount += 1
            return ctx
        } catch {
            consecutiveFailures += 1
            nextAttempt = .now + Backoff.reconnect(maxDelay: configuration.maxReconnectDelay).delay(forAttempt: consecutiveFailures)
            throw error
        }
    }

    private func open() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        let timeoutMs = configuration.connectTimeout.wholeMilliseconds
        let maybe: UnsafeMutablePointer<redisContext>?
        switch configuration.endpoint {
        case .tcp(let host, let port): maybe = chiredis_connect(host, Int32(port), timeoutMs)
        case .unixSocket(let path): maybe = chiredis_connect_unix(path, timeoutMs)
        }
        guard let ctx = maybe else {
            throw RedisError(code: .connectionFailed, message: "Cannot allocate a Redis connection",
                             context: ["address": configuration.displayAddress])
        }
        if chiredis_context_err(ctx) != 0 {
            let text = String(cString: chiredis_context_errstr(ctx))
            redisFree(ctx)
            throw RedisError(code: .connectionFailed, message: "Cannot connect to Redis at \(configuration.displayAddress): \(text)",
                             context: ["address": configuration.displayAddress])
        }
        if case .tcp = configuration.endpoint { _ = redisEnableKeepAlive(ctx) }
        // Large replies (batches of stream entries) would otherwise free and regrow the buffer each time.
        chiredis_set_reader_maxbuf(ctx, 1 << 20)
        currentTimeoutMs = 0
        // Handshake: AUTH and SELECT, each checked.
        var handshake: [RedisCommand] = []
        if let password = configuration.password {
            if let user = configuration.username {
                handshake.append(RedisCommand("AUTH", user, password))
            } else {
                handshake.append(RedisCommand("AUTH", password))
            }
        }
        if configuration.database != 0 {
            handshake.append(RedisCommand("SELECT", configuration.database))
        }
        if !handshake.isEmpty {
            let previous = context
            context = ctx
            defer { context = previous }
            let replies: [RESPValue]
            do {
                replies = try execute(handshake, timeout: configuration.connectTimeout)
            } catch {
                if context != nil { redisFree(ctx) }
                context = nil
                throw RedisError(code: .connectionFailed, message: "Redis handshake failed: \(error.message)",
                                 context: ["address": configuration.displayAddress])
            }
            for (command, reply) in zip(handshake, replies) {
                if let message = reply.errorMessage {
                    redisFree(ctx)
                    throw RedisError(code: .connectionFailed, message: "\(command.name) failed: \(message)",
                                     context: ["address": configuration.displayAddress])
                }
            }
        }
        return ctx
    }

    /// Turns the context's error into a ``RedisError`` and drops the (now unusable) context.
    private func failure(_ ctx: UnsafeMutablePointer<redisContext>, command: String) -> RedisError {
        let err = chiredis_context_err(ctx)
        let text = String(cString: chiredis_context_errstr(ctx))
        let savedErrno = errno
        disconnect()
        var ctxInfo = ["address": configuration.displayAddress]
        if !command.isEmpty { ctxInfo["command"] = command }
        if err == REDIS_ERR_IO && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || text.contains("temporarily unavailable")) {
            return RedisError(code: .timeout, message: "No reply from Redis within the command timeout", context: ctxInfo)
        }
        return RedisError(code: .connectionLost, message: "Connection to Redis lost: \(text.isEmpty ? "error \(err)" : text)", context: ctxInfo)
    }

    // MARK: - hiredis glue

    /// Copies a hiredis reply tree into a Swift value.
    static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .bulk(bytes(r.str, r.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(r.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var items: [RESPValue] = []
            items.reserveCapacity(Int(r.elements))
            for i in 0..<Int(r.elements) {
                if let element = r.element[i] { items.append(convert(element)) } else { items.append(.null) }
            }
            return .array(items)
        default:
            return .error("ERR unsupported reply type \(r.type)")
        }
    }

    private static func bytes(_ str: UnsafeMutablePointer<CChar>?, _ len: Int) -> [UInt8] {
        guard let str, len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: str, count: len))
    }
}
