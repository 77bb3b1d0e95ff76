import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// `buraq schedule` and the scheduler in `buraq-worker` processes.
@Suite(.redisServer, .serialized) struct ScheduleCLITests {
    var cli: CLI { CLI(server: RedisServer.current!) }

    @Test func addListRemoveWithClearErrorsAndExitCodes() async throws {
        let queue = uniqueQueue("sched")
        let (bad, badText) = try await cli.run(["schedule", "add", "x", "0 25 * * *", "noop", "--queue", queue])
        #expect(bad == 64)
        #expect(badText.contains("Cron expression '0 25 * * *', field hour: value 25 is out of range 0–23"))
        let (ok, okText) = try await cli.run(["schedule", "add", "nightly", "0 3 * * *", "echo", "hi", "--queue", queue])
        #expect(ok == 0, "\(okText)")
        #expect(okText.contains("Added schedule nightly"))
        let (dup, dupText) = try await cli.run(["schedule", "add", "nightly", "0 4 * * *", "echo", "--queue", queue])
        #expect(dup == 1)
        #expect(dupText.contains("buraq: error: Schedule 'nightly' already exists in queue \(queue); pass --replace to overwrite it"))
        #expect(try await cli.run(["schedule", "add", "nightly", "0 4 * * *", "echo", "--replace", "--queue", queue]).code == 0)
        let (_, list) = try await cli.run(["schedule", "list", "--queue", queue])
        #expect(list.contains("NAME") && list.contains("nightly") && list.contains("0 4 * * *") && list.contains("T04:00:00Z"))
        let (_, json) = try await cli.run(["schedule", "list", "--queue", queue, "--output", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let schedules = object?["schedules"] as? [[String: Any]]
        #expect(schedules?.first?["name"] as? String == "nightly")
        #expect(schedules?.first?["lastRun"] is NSNull)
        #expect(try await cli.run(["schedule", "remove", "nightly", "--queue", queue]).code == 0)
        let (gone, goneText) = try await cli.run(["schedule", "remove", "nightly", "--queue", queue])
        #expect(gone == 1)
        #expect(goneText.contains("No schedule named 'nightly'"))
    }

    @Test func eachTickRunsOnceWithThreeWorkerProcesses() async throws {
        let queue = uniqueQueue("cron3")
        let redis = RedisClient(configuration: try RedisConfiguration(url: RedisServer.current!.url))
        defer { redis.close() }
        let workers = try (0..<3).map { try cli.worker(queue, "w\($0)") }
        defer { workers.forEach { $0.kill9() } }
        let off = try cli.worker(queue, "off", ["--no-scheduler"])
        defer { off.kill9() }
        #expect(try await cli.run(["schedule", "add", "tick", "* * * * * *", "record", "--queue", queue]).code == 0)
        #expect(try await eventually(.seconds(20)) { try await cli.runs(redis, queue).count >= 4 })
        #expect(try await cli.run(["schedule", "remove", "tick", "--queue", queue]).code == 0)
        try await Task.sleep(for: .milliseconds(300))
        for w in workers + [off] { w.signal(SIGTERM) }
        for w in workers + [off] { #expect(try await w.wait(timeout: .seconds(20)) == 0) }
        let runs = try await cli.runs(redis, queue)
        #expect(runs.keys.allSatisfy { $0.hasPrefix("cron-tick-") })
        #expect(runs.values.allSatisfy { $0 == 1 }, "a tick ran twice: \(runs.filter { $0.value != 1 })")
        let ticks = runs.keys.compactMap { Int64($0.dropFirst("cron-tick-".count)) }.sorted()
        #expect(ticks.allSatisfy { $0 % 1000 == 0 } && ticks.count >= 4)
        #expect(!off.output.contains("Started cron scheduler"))
        #expect(workers.contains { $0.output.contains("Enqueued cron run") })
    }
}
