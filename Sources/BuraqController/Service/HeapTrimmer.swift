import BuraqBase
import BuraqKube
import CMalloc
import Logging
import ServiceLifecycle

/// Gives the memory that freed allocations leave in the middle of the heap back to the kernel,
/// every `interval` (glibc's `malloc_trim(0)`).
///
/// glibc returns freed memory on its own only from the top of the heap. The controller's
/// transient allocations (a `/metrics` page of about 800 KB with 1,000 TaskQueues, the first
/// lists of TaskQueues and Deployments, status JSON) free pages in the middle that otherwise stay
/// resident: about 1.8 MB at 1,000 TaskQueues (docs/benchmarks.md, Controller). A trim walks the
/// free lists once, well under a millisecond for the controller's heap.
public struct HeapTrimmer: Service {
    private let interval: Duration
    private let clock: any KubeClock
    private let trim: @Sendable () -> Void
    private let logger: Logger

    /// - Parameters:
    ///   - interval: time between trims.
    ///   - trim: the trim itself (tests count calls). Whether it released anything is of no use:
    ///     the next trim runs either way.
    public init(interval: Duration, clock: any KubeClock = SystemKubeClock(), logger: Logger,
                trim: @escaping @Sendable () -> Void = { _ = malloc_trim(0) }) {
        self.interval = interval
        self.clock = clock
        self.trim = trim
        self.logger = logger
    }

    public func run() async throws {
        logger.debug("Trimming the heap periodically", metadata: ["intervalSeconds": "\(interval.seconds)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await clock.sleep(for: interval) } catch { return }
                trim()
            }
        }
    }
}
