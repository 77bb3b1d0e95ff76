import Logging
import Synchronization

/// An async Redis client over hiredis.
///
/// Commands run on the client's own threads (one blocking connection each, see `poolSize`),
/// never on the cooperative thread pool. Dropped connections are reopened on the next command
/// with exponential backoff and jitter; a command that was in flight when its connection broke
/// fails with ``RedisError/Code/connectionLost`` and is not resent (it may have run).
///
/// Use a separate client (pool size 1) for blocking reads such as `XREADGROUP ... BLOCK`, so they
/// never hold up short commands.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let pool: ConnectionPool
    private let scriptHashes = Mutex<[String: String]>([:])
    private let logger: Logger

    /// Opens a client; connections are made lazily by the first commands.
    /// - Parameters:
    ///   - poolSize: connections (and threads); also the number of commands in flight at once.
    ///   - name: a name for the threads, seen in debuggers and `top -H`.
    public init(configuration: RedisConfiguration, poolSize: Int = 2, name: String = "redis",
                logger: Logger = Logger(label: "buraq.redis")) {
        self.configuration = configuration
        self.pool = ConnectionPool(configuration: configuration, size: max(1, poolSize), name: name)
        self.logger = logger
    }

    /// Convenience: a client from a `redis://` URL.
    public convenience init(url: String, poolSize: Int = 2, name: String = "redis",
                            logger: Logger = Logger(label: "buraq.redis")) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url), poolSize: poolSize, name: name, logger: logger)
    }

    deinit { pool.close() }

    /// Stops the client's threads after the commands already queued; later calls fail with `.closed`.
    public func close() { pool.close() }

    /// Sends commands in one round trip and returns their replies in order.
    /// Error replies are returned as `.error` values, not thrown; I/O failures throw.
    /// - Parameter timeout: reply timeout for this call; defaults to the configuration's `commandTimeout`.
    public func pipeline(_ commands: [RedisCommand], timeout: Duration? = nil) async throws(RedisError) -> [RESPValue] {
        if commands.isEmpty { return [] }
        return try await onConnection { connection throws(RedisError) in try connection.execute(commands, timeout: timeout) }
    }

    /// Sends commands already encoded (see ``EncodedPipeline``) in one round trip; replies in order.
    /// Error replies are returned as `.error` values, not thrown; I/O failures throw.
    public func pipeline(_ encoded: EncodedPipeline, timeout: Duration? = nil) async throws(RedisError) -> [RESPValue] {
        precondition(encoded.isComplete, "the last command of the pipeline is missing arguments")
        if encoded.count == 0 { return [] }
        return try await onConnection { connection throws(RedisError) in
            try connection.execute(encoded: encoded.bytes, count: encoded.count,
                                   commandName: encoded.firstCommandName, timeout: timeout)
        }
    }

    /// Sends commands already encoded in one round trip and turns each reply, in order, into a
    /// `T` with `decode`, on the connection's thread and straight from hiredis' parse (no
    /// ``RESPValue`` tree). `decode` gets the reply's position in the pipeline and the reply,
    /// error replies included: they are the caller's to judge. I/O failures throw.
    public func pipeline<T: Sendable>(_ encoded: EncodedPipeline, timeout: Duration? = nil,
                                      decoding decode: @escaping @Sendable (Int, RESPReplyView) -> T) async throws(RedisError) -> [T] {
        precondition(encoded.isComplete, "the last command of the pipeline is missing arguments")
        if encoded.count == 0 { return [] }
        return try await onConnection { connection throws(RedisError) -> [T] in
            var index = 0
            return try connection.execute(encoded: encoded.bytes, count: encoded.count,
                                          commandName: encoded.firstCommandName, timeout: timeout) { reply -> T in
                defer { index += 1 }
                return decode(index, RESPReplyView(reply))
            }
        }
    }

    /// Like ``pipeline(_:timeout:)-(EncodedPipeline,_)`` but without a task: `completion` runs on
    /// the connection's thread once the replies are in (or at once when the client is closed).
    /// For callers that are not async and want no hop through the cooperative pool; keep
    /// `completion` short, the connection serves nothing else meanwhile.
    public func pipeline(_ encoded: EncodedPipeline, timeout: Duration? = nil,
                         completion: @escaping @Sendable (Result<[RESPValue], RedisError>) -> Void) {
        precondition(encoded.isComplete, "the last command of the pipeline is missing arguments")
        if encoded.count == 0 { return completion(.success([])) }
        let accepted = pool.submit { connection in
            completion(Result { () throws(RedisError) in
                try connection.execute(encoded: encoded.bytes, count: encoded.count, commandName: encoded.firstCommandName, timeout: timeout)
            })
        }
        if !accepted { completion(.failure(RedisError(code: .closed, message: "The Redis client is closed"))) }
    }

    /// Sends one command and turns its reply into a `T` with `decode`, on the connection's thread
    /// and straight from hiredis' parse (no ``RESPValue`` tree): for hot replies such as
    /// `XREADGROUP` batches. An error reply throws a ``RedisError`` with code `.server` and
    /// Redis' text; `decode` is not called then.
    public func send<T: Sendable>(_ command: RedisCommand, timeout: Duration? = nil,
                                  decoding decode: @escaping @Sendable (RESPReplyView) -> T) async throws(RedisError) -> T {
        let encoded = RESPEncoder.encode([command])
        let name = command.name
        return try await onConnection { connection throws(RedisError) -> T in
            let replies = try connection.execute(encoded: encoded, count: 1, commandName: name, timeout: timeout) { reply -> Result<T, RedisError> in
                let view = RESPReplyView(reply)
                if let message = view.errorMessage {
                    return .failure(RedisError(code: .server, message: message, context: ["command": name]))
                }
                return .success(decode(view))
            }
            return try replies[0].get()
        }
    }

    /// Runs a Lua script like ``run(_:keys:arguments:)`` and decodes its reply with `decode` as
    /// ``send(_:timeout:decoding:)`` does.
    public func run<T: Sendable>(_ script: RedisScript, keys: [any RedisArgumentConvertible], arguments: [any RedisArgumentConvertible] = [],
                                 decoding decode: @escaping @Sendable (RESPReplyView) -> T) async throws(RedisError) -> T {
        do {
            return try await send(try await evalCommand(script, keys: keys, arguments: arguments), decoding: decode)
        } catch where error.code == .server && error.message.hasPrefix("NOSCRIPT") {
            forgetScript(script)
            return try await send(try await evalCommand(script, keys: keys, arguments: arguments), decoding: decode)
        }
    }

    /// Runs a Lua script whose keys and arguments `write` appends straight into the encoded
    /// command (first the `keyCount` keys, then the arguments: `argumentCount` words in all), so
    /// long argument lists (batched acks) need no array per word. `write` may be called twice
    /// (again after a NOSCRIPT reply).
    public func run(_ script: RedisScript, keyCount: Int, argumentCount: Int,
                    _ write: (inout EncodedPipeline) -> Void) async throws(RedisError) -> RESPValue {
        var attempt = 0
        while true {
            attempt += 1
            let sha = try await load(script)
            var command = EncodedPipeline(reservingCapacity: 64 + argumentCount * 24)
            command.beginCommand("EVALSHA", argumentCount: 3 + argumentCount)
            command.append(sha)
            command.append(Int64(keyCount))
            write(&command)
            let reply = try await pipeline(command)[0]
            guard let message = reply.errorMessage else { return reply }
            if message.hasPrefix("NOSCRIPT") && attempt == 1 {
                forgetScript(script)
                continue
            }
            throw RedisError(code: .server, message: message, context: ["script": script.name])
        }
    }

    /// Runs `body` on one of the pool's threads with its connection.
    private func onConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> T) async throws(RedisError) -> T {
        let result: Result<T, RedisError> = await withCheckedContinuation { continuation in
            let accepted = pool.submit { connection in
                continuation.resume(returning: Result { () throws(RedisError) in try body(connection) })
            }
            if !accepted {
                continuation.resume(returning: .failure(RedisError(code: .closed, message: "The Redis client is closed")))
            }
        }
        return try result.get()
    }

    /// Sends one command; an error reply throws a ``RedisError`` with code `.server` and Redis' text.
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws(RedisError) -> RESPValue {
        let reply = try await pipeline([command], timeout: timeout)[0]
        if let message = reply.errorMessage {
            throw RedisError(code: .server, message: message, context: ["command": command.name])
        }
        return reply
    }

    /// Sends one command built from its words.
    @discardableResult
    public func send(_ name: String, _ arguments: any RedisArgumentConvertible...) async throws(RedisError) -> RESPValue {
        var command = RedisCommand(name)
        command.arguments.append(contentsOf: arguments.map(\.redisArgument))
        return try await send(command)
    }

    /// Runs a Lua script with EVALSHA, loading it first if this client has not yet, and again on NOSCRIPT.
    @discardableResult
    public func run(_ script: RedisScript, keys: [any RedisArgumentConvertible], arguments: [any RedisArgumentConvertible] = []) async throws(RedisError) -> RESPValue {
        let command = try await evalCommand(script, keys: keys, arguments: arguments)
        let reply = try await pipeline([command])[0]
        if let message = reply.errorMessage {
            if message.hasPrefix("NOSCRIPT") {
                scriptHashes.withLock { _ = $0.removeValue(forKey: script.source) }
                let again = try await evalCommand(script, keys: keys, arguments: arguments)
                return try await send(again)
            }
            throw RedisError(code: .server, message: message, context: ["script": script.name])
        }
        return reply
    }

    /// The EVALSHA command for a script, loading the script when its hash is not known yet.
    /// Callers that pipeline scripts handle NOSCRIPT with ``forgetScript(_:)``.
    public func evalCommand(_ script: RedisScript, keys: [any RedisArgumentConvertible], arguments: [any RedisArgumentConvertible]) async throws(RedisError) -> RedisCommand {
        let sha = try await load(script)
        var command = RedisCommand("EVALSHA", sha, keys.count)
        command.arguments.append(contentsOf: keys.map(\.redisArgument))
        command.arguments.append(contentsOf: arguments.map(\.redisArgument))
        return command
    }

    /// Forgets a script's hash so the next use loads it again.
    public func forgetScript(_ script: RedisScript) {
        scriptHashes.withLock { _ = $0.removeValue(forKey: script.source) }
    }

    private func load(_ script: RedisScript) async throws(RedisError) -> String {
        if let sha = scriptHashes.withLock({ $0[script.source] }) { return sha }
        let reply = try await send(RedisCommand("SCRIPT", "LOAD", script.source))
        guard let sha = reply.string else {
            throw RedisError(code: .protocolError, message: "SCRIPT LOAD returned \(reply)", context: ["script": script.name])
        }
        scriptHashes.withLock { $0[script.source] = sha }
        logger.debug("Loaded Lua script", metadata: ["script": "\(script.name)", "sha": "\(sha)"])
        return sha
    }
}
