import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Cron schedules in Redis: exactly-once ticks across schedulers.
@Suite(.redisServer) struct CronSchedulerTests {
    var server: RedisServer { RedisServer.current! }
    func client() throws -> RedisClient { RedisClient(configuration: try RedisConfiguration(url: server.url)) }

    @Test func threeSchedulersEnqueueEachTickOnceWithAnInjectedClock() async throws {
        let queue = uniqueQueue("cron")
        let redis = try client()
        defer { redis.close() }
        let t0: Int64 = 1_800_000_000_000  // a whole minute
        let clock = ManualWallClock(t0 + 5_000)
        let store = try CronStore(redis: redis, queue: queue)
        #expect(try await store.add(CronSchedule(name: "report", expression: "* * * * *", type: "t", payload: Array("p".utf8), createdAt: t0)))
        #expect(try await store.add(CronSchedule(name: "report", expression: "*/5 * * * *", type: "t", createdAt: t0)) == false)
        let schedulers = try (0..<3).map { _ in try CronScheduler(redis: redis, queue: queue, clock: clock) }
        func tickAll() async throws -> Int {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for s in schedulers { group.addTask { try await s.tick().fired.count } }
                return try await group.reduce(0, +)
            }
        }
        #expect(try await tickAll() == 0, "no tick between creation and now")
        clock.set(t0 + 60_000 + 250)
        #expect(try await tickAll() == 1)
        #expect(try await tickAll() == 0)
        // Down for ten minutes: one run, for the latest tick.
        clock.set(t0 + 11 * 60_000 + 10)
        #expect(try await tickAll() == 1)
        let entries = try await streamEntries(redis, "buraq:{\(queue)}:stream")
        #expect(entries.map { $0["id"] } == ["cron-report-\(t0 + 60_000)", "cron-report-\(t0 + 11 * 60_000)"])
        #expect(entries.first?["payload"] == "p")
        #expect(entries.first?["h:cron"] == "report")
        // A clock that lags behind never enqueues an older tick again.
        clock.set(t0 + 5 * 60_000)
        #expect(try await tickAll() == 0)

        let (schedules, lastRuns, problems) = try await store.list()
        #expect(schedules.map(\.name) == ["report"] && problems.isEmpty)
        #expect(lastRuns["report"] == t0 + 11 * 60_000)
        #expect(try await store.remove("report"))
        #expect(try await store.remove("report") == false)
        clock.set(t0 + 20 * 60_000)
        #expect(try await tickAll() == 0)
    }

    @Test func schedulersOnTheRealClockRaceAndEachSecondRunsOnce() async throws {
        let queue = uniqueQueue("cron")
        let redis = try client()
        defer { redis.close() }
        let store = try CronStore(redis: redis, queue: queue)
        try await store.add(CronSchedule(name: "tick", expression: "* * * * * *", type: "t",
                                         createdAt: SystemWallClock().nowMilliseconds()))
        let schedulers = try (0..<3).map { _ in try CronScheduler(redis: redis, queue: queue, interval: .milliseconds(50)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in schedulers { group.addTask { try await s.run() } }
            try await Task.sleep(for: .milliseconds(3200))
            group.cancelAll()
        }
        let ids = try await streamEntries(redis, "buraq:{\(queue)}:stream").compactMap { $0["id"] }
        #expect(Set(ids).count == ids.count, "a tick ran twice: \(ids)")
        #expect(ids.count >= 2 && ids.count <= 4, "\(ids.count) runs in 3.2 s")
    }

    @Test func unreadableSchedulesAreSkippedAndTheOthersRun() async throws {
        let queue = uniqueQueue("cron")
        let redis = try client()
        defer { redis.close() }
        let t0: Int64 = 1_800_000_000_000
        let clock = ManualWallClock(t0 + 60_000)
        try await redis.send(RedisCommand("HSET", "buraq:{\(queue)}:cron", "junk", "not json",
                                          "badcron", #"{"name":"badcron","cron":"0 99 * * *","type":"t","payload":""}"#))
        try await CronStore(redis: redis, queue: queue).add(CronSchedule(name: "good", expression: "* * * * *", type: "t", createdAt: t0))
        let scheduler = try CronScheduler(redis: redis, queue: queue, clock: clock)
        #expect(try await scheduler.tick().fired == ["good"])
        let (_, _, problems) = try await CronStore(redis: redis, queue: queue).list()
        #expect(problems.keys.sorted() == ["junk"])
    }

    @Test func invalidSchedulesAreRefusedWithTheFieldNamed() async throws {
        let redis = try client()
        defer { redis.close() }
        let store = try CronStore(redis: redis, queue: uniqueQueue("cron"))
        await #expect(throws: QueueError.self) {
            try await store.add(CronSchedule(name: "bad", expression: "0 25 * * *", type: "t", createdAt: 0))
        }
        await #expect(throws: QueueError.self) {
            try await store.add(CronSchedule(name: "bad name", expression: "0 1 * * *", type: "t", createdAt: 0))
        }
    }
}
