import BuraqRedis
import Foundation

/// A private `redis-server` for tests: a free loopback port, its own temporary directory,
/// started and stopped by PID (never by name).
public final class RedisServer: @unchecked Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// Its working directory (RDB/AOF files live here).
    public let directory: URL
    private let extraArguments: [String]
    // Guarded by `lock`.
    private let lock = NSLock()
    private var process: ChildProcess?

    /// `redis://127.0.0.1:PORT`.
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// The PID of the running server, if any.
    public var pid: Int32? { lock.withLock { process.map { $0.pid } } }

    private init(port: Int, directory: URL, extraArguments: [String]) {
        self.port = port
        self.directory = directory
        self.extraArguments = extraArguments
    }

    /// Starts a server and waits until it answers PING.
    /// - Parameter arguments: extra `redis-server` options, e.g. `["--appendonly", "yes"]`.
    public static func start(arguments: [String] = []) async throws -> RedisServer {
        // Another process may take the free port before redis-server binds it: then try another
        // port. Each attempt has its own directory, since a failed attempt's deinit removes its own.
        var attempt = 0
        while true {
            attempt += 1
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("buraq-redis-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let server = RedisServer(port: try freeLoopbackPort(), directory: directory, extraArguments: arguments)
            do {
                try await server.launch()
                return server
            } catch is ExitedEarly where attempt < 5 {
                continue
            } catch let error as ExitedEarly {
                throw error.underlying
            }
        }
    }

    /// The server process ended before answering PING (typically: its port was taken meanwhile).
    private struct ExitedEarly: Error {
        let underlying: TestSupportError
    }

    /// Stops the server if it runs and starts it again on the same port and directory.
    public func restart() async throws {
        await terminate()
        do { try await launch() } catch let error as ExitedEarly { throw error.underlying }
    }

    /// Stops the server and removes its directory, waiting for the exit by polling: for async
    /// code (the ``RedisServerTrait`` teardown), where ``destroy()``'s blocking waitpid would hold a
    /// thread of the cooperative pool.
    public func shutDown() async {
        await terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGTERM, then SIGKILL if the server has not exited 10 s later; waits by polling, not with
    /// a blocking waitpid on the cooperative pool.
    private func terminate() async {
        guard let running = takeProcess() else { return }
        running.signal(SIGTERM)
        let exited = try? await running.wait(timeout: .seconds(10))
        if exited == nil { running.kill9() }
    }

    /// Sends SIGKILL to the server's PID (a crash: no final save) and waits for it to exit.
    public func kill() {
        let running = takeProcess()
        running?.kill9()
    }

    /// The running server's process, which this object no longer tracks afterwards.
    private func takeProcess() -> ChildProcess? {
        lock.withLock {
            let p = process
            process = nil
            return p
        }
    }

    deinit {
        if let process {
            process.signal(SIGTERM)
            process.wait()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        let arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
            "--logfile", directory.appendingPathComponent("redis.log").path,
        ] + extraArguments
        let p = try ChildProcess(executable: try Self.redisServerPath().path, arguments: arguments,
                                 outputPath: directory.appendingPathComponent("stdout.log").path)
        lock.withLock { process = p }
        let client = RedisClient(configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port),
                                                                   connectTimeout: .milliseconds(200),
                                                                   maxReconnectDelay: .milliseconds(20)),
                                 poolSize: 1, name: "redis-probe")
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard !p.hasExited else { break }
            // A server with requirepass answers NOAUTH: that also means it is up.
            if let reply = try? await client.pipeline([RedisCommand("PING")]).first,
               reply.string == "PONG" || reply.errorMessage?.hasPrefix("NOAUTH") == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        let exited = p.hasExited
        await terminate()
        if exited {
            throw ExitedEarly(underlying: TestSupportError("redis-server on port \(port) exited before answering PING; log:\n\(log.suffix(2000))"))
        }
        throw TestSupportError("redis-server on port \(port) did not answer PING within 10 s; log:\n\(log.suffix(2000))")
    }

    private static func redisServerPath() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = URL(fileURLWithPath: dir).appendingPathComponent("redis-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSupportError("redis-server not found on PATH: run hack/setup.sh (apt-get install -y redis-server)")
    }
}

/// A failure in test support itself (missing binary, server that would not start).
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Asks the kernel for a free TCP port on 127.0.0.1.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestSupportError("bind() failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}
