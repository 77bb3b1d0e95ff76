import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Tests that run the built executables as real processes.
@Suite(.redisServer, .serialized) struct ProcessTests {
    var server: RedisServer { RedisServer.current! }


    func startWorker(_ queue: String, consumer: String, concurrency: Int) throws -> ChildProcess {
        try ChildProcess(executable: try BuiltProduct.path("buraq-worker"),
                         arguments: ["--redis-url", server.url, "--queue", queue, "--consumer", consumer,
                                     "--concurrency", "\(concurrency)", "--grace-period", "20"],
                         outputPath: server.directory.appendingPathComponent("\(consumer).log").path)
    }

    @Test func sigtermDrainsInFlightTasksExitsZeroAndRunsNothingTwice() async throws {
        let queue = uniqueQueue("term")
        let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let ids = try await producer.enqueue((0..<60).map { _ in TaskRequest(type: "record", text: "400") })
        let worker = try startWorker(queue, consumer: "drainer", concurrency: 20)
        defer { worker.kill9() }
        let inspector = try QueueInspector(redis: redis, queue: queue)
        // Wait until the worker has tasks in flight.
        var inFlight: Int64 = 0
        for _ in 0..<500 where inFlight == 0 {
            inFlight = try await inspector.stats().pending
            if inFlight == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(inFlight > 0)
        worker.signal(SIGTERM)
        let code = try await worker.wait(timeout: .seconds(30))
        #expect(code == 0, "exit code \(String(describing: code)); output:\n\(worker.output)")
        let afterStop = try await recordedRuns(redis, queue)
        let stats = try await inspector.stats()
        #expect(stats.pending == 0, "in-flight tasks must be acked before exit")
        #expect(afterStop.values.allSatisfy { $0 == 1 })
        #expect(afterStop.count >= Int(inFlight))
        #expect(stats.lag == Int64(60 - afterStop.count), "tasks not started stay in the stream")
        #expect(worker.output.contains("Stopped worker"))

        // A second worker finishes the rest; every task ran exactly once.
        let second = try startWorker(queue, consumer: "finisher", concurrency: 20)
        defer { second.kill9() }
        // The first worker may have run every task already: SIGTERM must still find the second
        // one started (before its signal handling is set up, SIGTERM just ends a process).
        #expect(try await eventually(.seconds(10)) { second.output.contains("Started worker") }, "\(second.output)")
        for _ in 0..<1000 {
            if try await recordedRuns(redis, queue).count == 60 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        second.signal(SIGTERM)
        #expect(try await second.wait(timeout: .seconds(30)) == 0)
        let final = try await recordedRuns(redis, queue)
        #expect(Set(final.keys) == Set(ids))
        #expect(final.values.allSatisfy { $0 == 1 }, "some task ran twice: \(final.filter { $0.value != 1 })")
    }

    @Test func cliExitCodesForBadArgumentsWrongTypeAndUnreachableRedis() async throws {
        let buraq = try BuiltProduct.path("buraq")
        func run(_ args: [String]) async throws -> (Int32, String) {
            let out = server.directory.appendingPathComponent("cli-\(UUID().uuidString).log").path
            let p = try ChildProcess(executable: buraq, arguments: args, outputPath: out)
            let code = try await p.wait(timeout: .seconds(30)) ?? -1
            return (code, p.output)
        }
        let (usage, usageText) = try await run(["enqueue", "noop", "--count", "0", "--redis-url", server.url])
        #expect(usage == 64)
        #expect(usageText.contains("--count must be at least 1"))

        let (badURL, badURLText) = try await run(["stats", "--redis-url", "http://nope"])
        #expect(badURL == 64)
        #expect(badURLText.contains("expected scheme redis://"))

        let queue = uniqueQueue("cli")
        let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
        defer { redis.close() }
        try await redis.send("SET", "buraq:{\(queue)}:stream", "not a stream")
        let (wrong, wrongText) = try await run(["stats", "--redis-url", server.url, "--queue", queue])
        #expect(wrong == 65)
        #expect(wrongText.contains("buraq: error: Key 'buraq:{\(queue)}:stream' holds a value of the wrong type"))

        let closedPort = try freeLoopbackPort()
        let (down, downText) = try await run(["enqueue", "noop", "--redis-url", "redis://127.0.0.1:\(closedPort)"])
        #expect(down == 69)
        #expect(downText.contains("buraq: error: Redis unreachable"))
        #expect(downText.split(separator: "\n").count == 1, "one line: \(downText)")

        let okQueue = uniqueQueue("cli")
        let (ok, okText) = try await run(["enqueue", "echo", "hi", "--redis-url", server.url, "--queue", okQueue])
        #expect(ok == 0)
        #expect(okText.trimmingCharacters(in: .whitespacesAndNewlines).count == 32)
        let (stats, statsText) = try await run(["stats", "--redis-url", server.url, "--queue", okQueue, "--output", "json"])
        #expect(stats == 0)
        #expect(statsText.contains("\"length\":1"))
    }
}

/// Redis going away under a running worker.
@Suite struct RedisRestartTests {
    /// Redis restarted without persistence: no script, stream or group survives.
    @Test(.redisServer) func aWorkerWithPrioritiesKeepsWorkingAfterRedisRestartsEmpty() async throws {
        let server = try #require(RedisServer.current)
        let config = try RedisConfiguration(url: server.url)
        let queue = uniqueQueue("restart")
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { log.record($0) }
        // Two levels: every fetch runs the fetch script (EVALSHA), which the restart forgets.
        var wc = WorkerConfiguration(queue: queue, concurrency: 4)
        wc.priorities = ["high", "default"]
        wc.followQueueConfig = false
        try await withWorker(config, wc, handlers) { _ in
            try await producer.enqueue((0..<10).map { TaskRequest(type: "t", text: "before-\($0)", priority: "high") })
            try await log.wait { $0.count == 10 }
            try await server.restart()
            var after: [String] = []
            for attempt in 0..<100 where after.isEmpty {
                // The first commands after the restart may fail on the dead socket.
                if let ids = try? await producer.enqueue((0..<10).map { TaskRequest(type: "t", text: "after-\(attempt)-\($0)") }) {
                    after = ids
                } else {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(after.count == 10)
            try await log.wait { log in after.allSatisfy { id in log.all.contains { $0.task.id == id } } }
        }
    }

    @Test(.redisServer(arguments: ["--appendonly", "yes", "--appendfsync", "always"]))
    func workerReconnectsAfterRedisRestartAndLosesNoTask() async throws {
        let server = try #require(RedisServer.current)
        let config = try RedisConfiguration(url: server.url)
        let queue = uniqueQueue("restart")
        let log = RunLog()
        var handlers = HandlerRegistry()
        handlers.register("t") { task in
            try await Task.sleep(for: .milliseconds(2))
            log.record(task)
        }
        let producerClient = RedisClient(configuration: config, poolSize: 1)
        defer { producerClient.close() }
        let producer = try Producer(redis: producerClient, queue: queue)
        var ids: [String] = []
        try await withWorker(config, WorkerConfiguration(queue: queue, consumer: "survivor", concurrency: 8), handlers) { _ in
            ids += try await producer.enqueue((0..<400).map { _ in TaskRequest(type: "t") })
            try await log.wait { $0.count >= 100 }
            try await server.restart()
            // Enqueue again once Redis answers; the producer's client reconnects too.
            for _ in 0..<100 {
                if let more = try? await producer.enqueue((0..<400).map { _ in TaskRequest(type: "t") }) {
                    ids += more
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await log.wait(timeout: .seconds(30)) { $0.distinctIDs.isSuperset(of: ids) }
        }
        #expect(ids.count == 800)
        let missing = Set(ids).subtracting(log.distinctIDs)
        #expect(missing.isEmpty, "lost \(missing.count) tasks")
    }
}
