import Glibc
import Logging
import ServiceLifecycle

/// Ends when the process that started this one is gone, so a worker does not outlive the
/// local-mode controller that runs it.
///
/// The controller stops its workers with SIGTERM when it shuts down. If it is killed (SIGKILL,
/// a crash, the terminal closed), nothing stops them: they keep taking tasks, and a restarted
/// controller starts a new pool beside them. Every `interval` the watch compares this process'
/// parent with the one it was given; once they differ (the kernel handed the orphan to init or a
/// subreaper), it logs why and returns. Run it with `successTerminationBehavior:
/// .gracefullyShutdownGroup`: the group then shuts down gracefully, so the worker drains and no
/// task is lost.
///
/// Polling the parent's id, rather than `PR_SET_PDEATHSIG`, because that signal follows the
/// thread that spawned the process: one of the controller's pool threads, which may end while
/// the controller lives.
public struct ParentWatch<C: Clock>: Service where C.Duration == Duration {
    /// The process that must stay this one's parent.
    public let parent: Int32
    /// Time between looks.
    public let interval: Duration
    private let clock: C
    private let currentParent: @Sendable () -> Int32
    private let logger: Logger

    /// - Parameters:
    ///   - parent: the expected parent's PID.
    ///   - currentParent: reads this process' parent (`getppid`; tests pass their own).
    public init(parent: Int32, interval: Duration = .seconds(1), clock: C, logger: Logger,
                currentParent: @escaping @Sendable () -> Int32 = { getppid() }) {
        self.parent = parent
        self.interval = interval
        self.clock = clock
        self.currentParent = currentParent
        self.logger = logger
    }

    /// Returns when the parent is gone, or on graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let current = currentParent()
                if current != parent {
                    logger.warning("Parent process exited; stopping gracefully",
                                   metadata: ["parentPID": "\(parent)", "currentParentPID": "\(current)"])
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
