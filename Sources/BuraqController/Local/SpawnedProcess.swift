import BuraqBase
import FoundationEssentials
import Glibc
import Synchronization

/// A child process started with `posix_spawn` and reaped without blocking: `poll()` uses
/// `waitpid(WNOHANG)`, so no thread of the cooperative pool ever waits on a child.
///
/// The child gets an empty signal mask and default handlers (threads of the Swift runtime block
/// signals, and a spawned child would inherit that, ignoring SIGTERM), and its own process group,
/// so a Ctrl-C in the controller's terminal reaches the controller, which then drains the workers
/// itself instead of them all stopping at once.
final class SpawnedProcess: Sendable {
    /// The child's PID.
    let pid: pid_t
    /// Where its standard output and error go.
    let logPath: String
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, appending its output to `logPath`.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws(ControllerError) {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, STDOUT_FILENO, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, STDOUT_FILENO, STDERR_FILENO)
        // Nothing else is inherited: a child holding a copy of a socket would keep its connection
        // open after this process closes it (SpawnActions.closeInherited).
        SpawnActions.closeInherited(&fileActions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var resetSignals = sigset_t()
        sigfillset(&resetSignals)
        sigdelset(&resetSignals, SIGKILL)
        sigdelset(&resetSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &resetSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &fileActions, &attributes, argv, envp)
        guard rc == 0 else {
            throw ControllerError(
                code: .workersCrashing,
                message: "Cannot start \(executable): \(String(cString: strerror(rc))). Check --worker-path",
                context: ["executable": executable])
        }
        self.pid = child
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
                let signal = status & 0x7f
                code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
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
