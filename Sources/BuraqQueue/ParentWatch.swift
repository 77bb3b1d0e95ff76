import BuraqBase
import Glibc
import Logging
import ServiceLifecycle

/// Ends when the process that started this one is gone, so a worker does not outlive the
/// local-mode controller that runs it.
///
/// The controller stops its workers with SIGTERM when it shuts down. If it is killed (SIGKILL,
/// a crash, the terminal closed), nothing stops them: they keep taking tasks, and a restarted
/// controller starts a new pool beside them. Every `interval` the watch looks (``Looks``); once
/// the parent is gone it logs why and returns. Run it with `successTerminationBehavior:
/// .gracefullyShutdownGroup`: the group then shuts down gracefully, so the worker drains and no
/// task is lost.
///
/// It polls rather than using `PR_SET_PDEATHSIG`, because that signal follows the thread that
/// spawned the process: one of the controller's pool threads, which may end while the controller
/// lives.
public struct ParentWatch<C: Clock>: Service where C.Duration == Duration {
    /// How the watch decides, look by look. Pure: the process facts are passed in.
    ///
    /// - Started as the controller's own child, the worker is orphaned when its parent id
    ///   changes (the kernel hands it to init or a subreaper). This needs no liveness check, so
    ///   a reused PID or an unreaped zombie cannot fool it.
    /// - Started through a wrapper that does not `exec` (a `--worker-path` shell script), the
    ///   parent is the wrapper, which outlives a killed controller. The watch then asks whether
    ///   the controller's PID still names a live process.
    /// - A controller already gone at the first look is the second case with a dead PID: it
    ///   ends at once.
    public struct Looks: Sendable, Equatable {
        /// The controller's PID.
        public let parent: Int32
        /// Whether the first look found this process the controller's own child (nil before it).
        public private(set) var directChild: Bool?

        public init(parent: Int32) { self.parent = parent }

        /// Takes one look; returns true when the controller is gone. `alive` is asked only when
        /// the parent id cannot answer.
        public mutating func parentGone(currentParent: Int32, alive: (Int32) -> Bool) -> Bool {
            if directChild == nil { directChild = currentParent == parent }
            if directChild == true { return currentParent != parent }
            return !alive(parent)
        }
    }

    /// The process that must stay this one's parent.
    public let parent: Int32
    /// Time between looks.
    public let interval: Duration
    private let clock: C
    private let currentParent: @Sendable () -> Int32
    private let alive: @Sendable (Int32) -> Bool
    private let logger: Logger

    /// - Parameters:
    ///   - parent: the expected parent's PID.
    ///   - currentParent: reads this process' parent (`getppid`; tests pass their own).
    ///   - alive: whether a PID names a live process (tests pass their own).
    public init(parent: Int32, interval: Duration = .seconds(1), clock: C, logger: Logger,
                currentParent: @escaping @Sendable () -> Int32 = { getppid() },
                alive: @escaping @Sendable (Int32) -> Bool = ProcessLiveness.isAlive) {
        self.parent = parent
        self.interval = interval
        self.clock = clock
        self.currentParent = currentParent
        self.alive = alive
        self.logger = logger
    }

    /// Returns when the parent is gone, or on graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var looks = Looks(parent: parent)
            while !Task.isCancelled {
                let current = currentParent()
                if looks.parentGone(currentParent: current, alive: alive) {
                    logger.warning("Parent process exited; stopping gracefully", metadata: [
                        "parentPID": "\(parent)", "currentParentPID": "\(current)",
                        "directChild": "\(looks.directChild ?? false)",
                    ])
                    return
                }
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
    }
}

extension ParentWatch where C == ContinuousClock {
    /// A watch on the system's monotonic clock.
    public init(parent: Int32, interval: Duration = .seconds(1), logger: Logger) {
        self.init(parent: parent, interval: interval, clock: ContinuousClock(), logger: logger)
    }
}
