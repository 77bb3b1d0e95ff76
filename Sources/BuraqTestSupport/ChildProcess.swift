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
        do {
            // Not a process group of its own: a Ctrl-C on the test run stops helpers too.
            pid = try ChildSpawn.start(executable, arguments: arguments, environment: env, outputPath: outputPath,
                                       appendOutput: false, ownProcessGroup: false)
        } catch {
            throw TestSupportError("posix_spawn \(executable) failed: \(error.message)")
        }
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
            return ChildSpawn.exitCode(waitStatus: exitStatus!)
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
}
