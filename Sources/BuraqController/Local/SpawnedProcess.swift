import BuraqBase
import FoundationEssentials
import Glibc
import Synchronization

/// A child process started with `posix_spawn` and reaped without blocking: `poll()` uses
/// `waitpid(WNOHANG)`, so no thread of the cooperative pool ever waits on a child.
///
/// ``ChildSpawn`` starts it with an empty signal mask and default handlers, nothing inherited
/// but its output file, and its own process group, so a Ctrl-C in the controller's terminal
/// reaches the controller, which then drains the workers itself instead of them all stopping at
/// once.
final class SpawnedProcess: Sendable {
    /// The child's PID.
    let pid: pid_t
    /// Where its standard output and error go.
    let logPath: String
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, appending its output to `logPath`.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws(ControllerError) {
        do {
            pid = try ChildSpawn.start(executable, arguments: arguments, environment: environment, outputPath: logPath,
                                       appendOutput: true, ownProcessGroup: true)
        } catch {
            throw ControllerError(
                code: .workersCrashing,
                message: "Cannot start \(executable): \(error.message). Check --worker-path",
                context: ["executable": executable])
        }
        self.logPath = logPath
    }

    /// The exit code once the process has exited (128 + signal when a signal ended it), else nil.
    /// Reaps the child on first sight of its exit; never blocks.
    func poll() -> Int32? {
        exit.withLock { code in
            if let code { return code }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                code = ChildSpawn.exitCode(waitStatus: status)
            } else if result == -1 && errno == ECHILD {
                code = -1
            }
            return code
        }
    }

    /// Sends `signal` unless the process was already reaped (its PID may belong to another by then).
    func send(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }
}
