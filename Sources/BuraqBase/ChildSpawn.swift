#if canImport(Glibc)
import Glibc
#endif

/// Starts a child process with `posix_spawn` the way Buraq's worker pool and its test helpers
/// need it, so both get the same guarantees:
///
/// - standard input from `/dev/null`, standard output and error into one file;
/// - no other descriptor inherited (``SpawnActions/closeInherited(_:from:)``);
/// - an empty signal mask and default handlers: threads of the Swift runtime block signals and
///   ignore some, and a child inherits both, so it would not stop on SIGTERM;
/// - optionally a process group of its own, so a Ctrl-C in the parent's terminal reaches only
///   the parent, which then stops its children in order.
public enum ChildSpawn: Sendable {
    /// `posix_spawn` refused; `code` is its errno value.
    public struct Failure: Error, Sendable {
        public let code: Int32
        /// The system's text for ``code``.
        public var message: String { String(cString: strerror(code)) }
    }

    /// Starts `executable` (a path) and returns its PID.
    /// - Parameters:
    ///   - environment: the child's whole environment.
    ///   - outputPath: file for standard output and error, created if missing.
    ///   - appendOutput: append to the file rather than truncate it.
    ///   - ownProcessGroup: put the child in a new process group.
    public static func start(
        _ executable: String, arguments: [String], environment: [String: String], outputPath: String,
        appendOutput: Bool, ownProcessGroup: Bool
    ) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | (appendOutput ? O_APPEND : O_TRUNC), 0o644)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        SpawnActions.closeInherited(&actions)

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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure(code: rc) }
        return child
    }

    /// The exit code `waitpid` reported: the process' own code, or 128 + the signal that ended it
    /// (the shell's convention, so SIGKILL is 137 and SIGTERM 143).
    public static func exitCode(waitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
