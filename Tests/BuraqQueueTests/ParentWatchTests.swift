import BuraqQueue
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// `ParentWatch` ends when the parent changes, and only then (or at shutdown).
struct ParentWatchTests {
    /// A parent id that reads as `parent` for the first `looks` looks, then as 1 (init).
    final class Parents: Sendable {
        let looks = Mutex(0)
        let orphanedAfter: Int
        let parent: Int32
        init(parent: Int32, orphanedAfter: Int) {
            self.parent = parent
            self.orphanedAfter = orphanedAfter
        }
        func read() -> Int32 {
            looks.withLock {
                $0 += 1
                return $0 > orphanedAfter ? 1 : parent
            }
        }
    }

    /// Looks first, then sleeps: a parent gone before the start ends it at once, even with an
    /// interval of an hour.
    @Test(arguments: [(3, Duration.milliseconds(1)), (0, Duration.seconds(3600))])
    func returnsAtTheFirstLookThatFindsAnotherParent(orphanedAfter: Int, interval: Duration) async throws {
        let parents = Parents(parent: 4242, orphanedAfter: orphanedAfter)
        let watch = ParentWatch(parent: 4242, interval: interval, clock: ContinuousClock(),
                                logger: Logger(label: "test"), currentParent: parents.read)
        try await watch.run()
        #expect(parents.looks.withLock { $0 } == orphanedAfter + 1)
    }

    @Test func keepsWatchingWhileTheParentLivesAndEndsOnGracefulShutdown() async throws {
        let parents = Parents(parent: 4242, orphanedAfter: .max)
        let watch = ParentWatch(parent: 4242, interval: .milliseconds(1), clock: ContinuousClock(),
                                logger: Logger(label: "test"), currentParent: parents.read)
        let group = ServiceGroup(configuration: .init(services: [.init(service: watch)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while parents.looks.withLock({ $0 }) < 20 { try await Task.sleep(for: .milliseconds(1)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(parents.looks.withLock { $0 } >= 20)
    }

    /// In a service group, the watch's end shuts the whole group down gracefully, as SIGTERM
    /// would: the other services (the worker) get to drain.
    @Test func itsEndShutsTheGroupDownGracefully() async throws {
        final class UntilShutdown: Service {
            let drained = Mutex(false)
            func run() async throws {
                try? await gracefulShutdown()
                drained.withLock { $0 = true }
            }
        }
        let other = UntilShutdown()
        let parents = Parents(parent: 4242, orphanedAfter: 5)
        let watch = ParentWatch(parent: 4242, interval: .milliseconds(1), clock: ContinuousClock(),
                                logger: Logger(label: "test"), currentParent: parents.read)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup), .init(service: other)],
            logger: Logger(label: "test")))
        try await group.run()
        #expect(other.drained.withLock { $0 })
    }
}
