import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// `buraq dlq`, `pause`, `resume` and `workers` as processes, with `buraq-worker` processes.
@Suite(.redisServer, .serialized) struct AdminCLITests {
    var cli: CLI { CLI(server: RedisServer.current!) }
    func client() throws -> RedisClient { RedisClient(configuration: try RedisConfiguration(url: RedisServer.current!.url)) }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func deadLettersAreListedShownRequeuedAndRunAgainThenPurged() async throws {
        let queue = uniqueQueue("dlq")
        let redis = try client()
        defer { redis.close() }
        // Real failures: no retries, so each `fail` task goes straight to the dead-letter stream.
        let failing = try cli.worker(queue, "failer", ["--max-retries", "0"])
        defer { failing.kill9() }
        let producer = try Producer(redis: redis, queue: queue)
        try await producer.enqueue((0..<3).map { TaskRequest(type: "fail", text: "1.0", id: "f\($0)") })
        let dlq = try DeadLetterQueue(redis: redis, queue: queue)
        #expect(try await eventually(.seconds(20)) { try await dlq.count() == 3 })
        failing.signal(SIGTERM)
        #expect(try await failing.wait(timeout: .seconds(20)) == 0)

        let (listCode, list) = try await cli.run(["dlq", "list", "--queue", queue])
        #expect(listCode == 0)
        #expect(list.contains("ENTRY") && list.contains("f0") && list.contains("failed") && list.contains("fail handler failed on purpose"))
        #expect(list.contains("3 shown, 3 in the dead-letter stream"))
        let (_, listJSON) = try await cli.run(["dlq", "list", "--queue", queue, "--output", "json", "--limit", "2"])
        let letters = try json(listJSON)["deadLetters"] as? [[String: Any]] ?? []
        #expect(letters.count == 2)
        #expect(letters.first?["attempts"] as? Int == 1)
        #expect(letters.first?["worker"] as? String == "failer")

        let (showCode, show) = try await cli.run(["dlq", "show", "f1", "--queue", queue])
        #expect(showCode == 0)
        #expect(show.contains("reason") && show.contains("payload") && show.contains("1.0"))
        let (missingCode, missing) = try await cli.run(["dlq", "show", "nope", "--queue", queue])
        #expect(missingCode == 1)
        #expect(missing.contains("buraq: error: No dead letter with entry or task id 'nope' in queue \(queue)"))

        // A dead letter of a task that can succeed, as a worker writes it, is requeued and runs again.
        let xadd = RedisCommand("XADD", "buraq:{\(queue)}:dlq", "*", "id", "r1", "type", "record", "payload", "", "attempt", "4",
                                "enqueued_at", "1", "error", "boom", "reason", "failed", "attempts", "5", "failed_at", "2",
                                "worker", "w", "original_id", "1-0")
        let entry = try await redis.send(xadd).string ?? ""
        let (requeueCode, requeued) = try await cli.run(["dlq", "requeue", entry, "--queue", queue])
        #expect(requeueCode == 0)
        #expect(requeued.contains("Requeued 1 dead letters in queue \(queue)"))
        let runner = try cli.worker(queue, "runner")
        defer { runner.kill9() }
        #expect(try await eventually(.seconds(20)) { try await cli.runs(redis, queue)["r1"] == 1 })
        runner.signal(SIGTERM)
        #expect(try await runner.wait(timeout: .seconds(20)) == 0)

        // Bulk operations need --yes and say how many they would touch.
        let (unconfirmed, unconfirmedText) = try await cli.run(["dlq", "purge", "--type", "fail", "--queue", queue])
        #expect(unconfirmed == 1)
        #expect(unconfirmedText.contains("3 dead letters of type fail match in queue \(queue); pass --yes to delete them"))
        #expect(try await dlq.count() == 3)
        let (usage, usageText) = try await cli.run(["dlq", "purge", "--queue", queue])
        #expect(usage == 64)
        #expect(usageText.contains("--all, --type or --reason"))
        let (requeueAll, _) = try await cli.run(["dlq", "requeue", "--reason", "failed", "--yes", "--queue", queue])
        #expect(requeueAll == 0)
        #expect(try await dlq.count() == 0)
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.length == 3, "the three failed tasks are back in the stream")
        let back = try await streamEntries(redis, "buraq:{\(queue)}:stream")
        #expect(back.allSatisfy { $0["attempt"] == "0" && $0["reason"] == nil && $0["error"] == nil })

        try await redis.send(xadd)
        let (purged, purgedText) = try await cli.run(["dlq", "purge", "--all", "--yes", "--queue", queue])
        #expect(purged == 0)
        #expect(purgedText.contains("Purged 1 dead letters"))
    }

    @Test func pauseAndResumeReachRunningWorkerProcesses() async throws {
        let queue = uniqueQueue("pausecli")
        let redis = try client()
        defer { redis.close() }
        let worker = try cli.worker(queue, "pw", ["--max-retries", "0"])
        defer { worker.kill9() }
        let (paused, pausedText) = try await cli.run(["pause", "--queue", queue])
        #expect(paused == 0)
        #expect(pausedText.contains("Paused queue \(queue)"))
        let hash = try await redis.send(RedisCommand("HGETALL", "buraq:{\(queue)}:config")).array?.compactMap(\.string)
        #expect(hash == ["paused", "true"])
        #expect(try await eventually(.seconds(10)) { worker.output.contains("paused=true") })
        try await Task.sleep(for: .milliseconds(600))
        let ids = try await Producer(redis: redis, queue: queue).enqueue((0..<5).map { _ in TaskRequest(type: "record") })
        try await Task.sleep(for: .milliseconds(1000))
        #expect(try await cli.runs(redis, queue).isEmpty, "a paused worker ran tasks")
        #expect(try await cli.run(["resume", "--queue", queue]).code == 0)
        #expect(try await eventually(.seconds(10)) { try await cli.runs(redis, queue).count == 5 })
        #expect(Set(try await cli.runs(redis, queue).keys) == Set(ids))
        // The worker kept its own --max-retries 0 while the hash held only `paused`.
        #expect(worker.output.contains("maxRetries=0"))
        worker.signal(SIGTERM)
        #expect(try await worker.wait(timeout: .seconds(20)) == 0)
    }

    @Test func workersListsLiveWorkerProcesses() async throws {
        let queue = uniqueQueue("workers")
        let a = try cli.worker(queue, "pod-a", ["--concurrency", "3"])
        let b = try cli.worker(queue, "pod-b")
        defer { a.kill9(); b.kill9() }
        var listed: [[String: Any]] = []
        for _ in 0..<500 {
            let (code, text) = try await cli.run(["workers", "--queue", queue, "--output", "json"])
            #expect(code == 0)
            listed = try json(text)["workers"] as? [[String: Any]] ?? []
            if listed.count == 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(listed.map { $0["id"] as? String } == ["pod-a", "pod-b"])
        #expect(listed.first?["pid"] as? Int == Int(a.pid))
        #expect(listed.first?["concurrency"] as? Int == 3)
        let (_, table) = try await cli.run(["workers", "--queue", queue])
        #expect(table.contains("WORKER") && table.contains("pod-a") && table.contains("2 live workers"))
        a.signal(SIGTERM)
        #expect(try await a.wait(timeout: .seconds(20)) == 0)
        let (_, after) = try await cli.run(["workers", "--queue", queue, "--output", "json"])
        #expect((try json(after)["workers"] as? [[String: Any]])?.map { $0["id"] as? String } == ["pod-b"])
        b.signal(SIGTERM)
        #expect(try await b.wait(timeout: .seconds(20)) == 0)
    }
}
