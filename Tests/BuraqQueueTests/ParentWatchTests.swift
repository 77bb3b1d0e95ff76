import BuraqBase
import BuraqQueue
import BuraqTestSupport
import Glibc
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

    /// Looks first, then sleeps: a parent gone before the start (4242 names no live process)
    /// ends it at once, even with an interval of an hour.
    @Test(arguments: [(3, Duration.milliseconds(1)), (0, Duration.seconds(3600))])
    func returnsAtTheFirstLookThatFindsAnotherParent(orphanedAfter: Int, interval: Duration) async throws {
        let parents = Parents(parent: 4242, orphanedAfter: orphanedAfter)
        let watch = ParentWatch(parent: 4242, interval: interval, clock: ContinuousClock(),
                                logger: Logger(label: "test"), currentParent: parents.read, alive: { _ in false })
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

    // MARK: Looks

    @Test func aDirectChildIsOrphanedWhenItsParentIdChanges() {
        var looks = ParentWatch<ContinuousClock>.Looks(parent: 40)
        // The liveness check is never needed: a reused PID or a zombie cannot fool it.
        let neverAsked: (Int32) -> Bool = { _ in Issue.record("asked about liveness"); return true }
        do { let gone = looks.parentGone(currentParent: 40, alive: neverAsked); #expect(!gone) }
        #expect(looks.directChild == true)
        do { let gone = looks.parentGone(currentParent: 40, alive: neverAsked); #expect(!gone) }
        do { let gone = looks.parentGone(currentParent: 1, alive: neverAsked); #expect(gone) }
    }

    @Test func throughAWrapperItAsksWhetherTheControllerLives() {
        var looks = ParentWatch<ContinuousClock>.Looks(parent: 40)
        var controllerAlive = true
        // The parent is a shell between the controller (40) and this worker, and stays.
        do { let gone = looks.parentGone(currentParent: 77, alive: { $0 == 40 && controllerAlive }); #expect(!gone) }
        #expect(looks.directChild == false)
        do { let gone = looks.parentGone(currentParent: 77, alive: { $0 == 40 && controllerAlive }); #expect(!gone) }
        controllerAlive = false
        do { let gone = looks.parentGone(currentParent: 77, alive: { $0 == 40 && controllerAlive }); #expect(gone) }
    }

    @Test func aControllerGoneBeforeTheFirstLookEndsItAtOnce() {
        var looks = ParentWatch<ContinuousClock>.Looks(parent: 40)
        do { let gone = looks.parentGone(currentParent: 1, alive: { _ in false }); #expect(gone) }
    }

    @Test func livenessOfRealProcesses() async throws {
        #expect(ProcessLiveness.isAlive(getpid()))
        #expect(ProcessLiveness.isAlive(1))  // init: alive, though not ours to signal as non-root
        #expect(!ProcessLiveness.isAlive(0) && !ProcessLiveness.isAlive(-5))
        // A child that exited and was not reaped yet is a zombie: not alive.
        let pid = try ChildSpawn.start("/bin/true", arguments: [], environment: [:], outputPath: "/dev/null",
                                       appendOutput: false, ownProcessGroup: false)
        #expect(try await eventually { !ProcessLiveness.isAlive(pid) })
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!ProcessLiveness.isAlive(pid))  // reaped: gone
    }
}
