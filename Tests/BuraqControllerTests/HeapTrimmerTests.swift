import BuraqController
import BuraqKube
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct HeapTrimmerTests {
    /// A clock whose sleeps return at once and add the slept time to `now`.
    final class SkipClock: KubeClock {
        private let elapsed = Mutex<Duration>(.zero)
        var now: Duration { elapsed.withLock { $0 } }
        func sleep(for duration: Duration) async throws {
            try Task.checkCancellation()
            elapsed.withLock { $0 += duration }
            await Task.yield()
        }
    }

    @Test func trimsOncePerIntervalUntilShutdown() async throws {
        let clock = SkipClock()
        let trims = Mutex<[Duration]>([])
        let trimmer = HeapTrimmer(interval: .seconds(10), clock: clock, logger: Logger(label: "test")) {
            trims.withLock { $0.append(clock.now) }
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: trimmer)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while trims.withLock({ $0.count }) < 5 { await Task.yield() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let times = trims.withLock { $0 }
        // Each trim follows one more interval of sleep: 10 s, 20 s, 30 s, ...
        #expect(Array(times.prefix(5)) == (1...5).map { .seconds(10 * $0) })
        let afterShutdown = times.count
        try await Task.sleep(for: .milliseconds(20))
        #expect(trims.withLock { $0.count } == afterShutdown, "no trim after the service stopped")
    }
}
