import BuraqBase
import Foundation

/// A process started with `posix_spawn`, signalled and reaped by its PID.
///
/// Foundation's `Process.waitUntilExit` spins a run loop that can deadlock on Swift's small
/// cooperative pool, so tests use this instead: `wait()` is a plain `waitpid`.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// Where standard output and standard error go (one file for both).
    public let outputPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`; output goes to `outputPath` (created or truncated).
    /// - Parameter environment: extra variables on top of this process' environment.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], outputPath: String) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = [executable] + arguments
        let envp = env.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited: a child holding a copy of a socket would keep its connection
        // open after this process closes it (SpawnActions.closeInherited).
        SpawnActions.closeInherited(&actions)

        // Threads of the Swift runtime block most signals, and a spawned child inherits the mask:
        // reset it (and the handlers) so the child can be stopped with SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let rc = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
            }
        }
        guard rc == 0 else { throw TestSupportError("posix_spawn \(executable) failed: \(String(cString: strerror(rc)))") }
        self.pid = pid
        self.outputPath = outputPath
    }

    /// Sends a signal to the process (by PID).
    public func signal(_ sig: Int32) {
        if !hasExited { kill(pid, sig) }
    }

    /// True once the process has been reaped.
    public var hasExited: Bool {
        lock.withLock {
            if exitStatus != nil { return true }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
            return exitStatus != nil
        }
    }

    /// Blocks until the process exits; returns its exit code (128 + signal when killed by one).
    @discardableResult
    public func wait() -> Int32 {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                exitStatus = status
            }
            return Self.code(exitStatus!)
        }
    }

    /// Polls until the process exits or `timeout` passes; returns the exit code, or nil on timeout.
    public func wait(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if hasExited { return wait() }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Everything the process wrote so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Kills the process (SIGKILL) and reaps it.
    public func kill9() {
        signal(SIGKILL)
        wait()
    }

    private static func code(_ status: Int32) -> Int32 {
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
