import BuraqController
import BuraqQueue
import BuraqRedis
import BuraqScaling
import BuraqTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Local mode end to end: a private redis-server, the controller's reconcile loop and real
/// `buraq-worker` processes.
@Suite(.redisServer, .serialized) struct LocalModeTests {
    static func pool(_ server: RedisServer, drainTimeout: Duration = .seconds(30), extra: [String] = []) throws -> LocalProcessPool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buraq-ctl-test-\(UUID().uuidString.prefix(8))").path
        return LocalProcessPool(
            configuration: LocalProcessPoolConfiguration(
                workerPath: try BuiltProduct.path("buraq-worker"), defaultRedisURL: server.url, workerConcurrency: 16,
                extraArguments: extra, logDirectory: directory, drainTimeout: drainTimeout,
                restartDelay: .milliseconds(200)))
    }

    /// Fast scale-down for tests: a 1 s window and a 2 s cooldown (the defaults are 60 s).
    static func target(_ queue: String, max: Int32 = 4, perReplica: Int64 = 1000) -> QueueTarget {
        QueueTarget(
            key: TaskQueueKey(namespace: "local", name: queue), queue: queue,
            scaling: ScalingSpec(
                targetPerReplica: perReplica, minReplicas: 0, maxReplicas: max, cooldownPeriodSeconds: 2,
                behavior: ScalingBehavior(
                    scaleUp: ScalingRules(stabilizationWindowSeconds: 0, policies: [.pods(100, perSeconds: 1)]),
                    scaleDown: ScalingRules(stabilizationWindowSeconds: 1, policies: [.percent(100, perSeconds: 1)]))),
            scaleTargetName: "\(queue)-workers")
    }

    @Test func burstOf20000ScalesUpDrainsAndScalesDownWithNothingLost() async throws {
        let server = try #require(RedisServer.current)
        let queue = "e2e-\(UUID().uuidString.prefix(6))"
        let target = Self.target(queue)
        let redis = try RedisClient(url: server.url, poolSize: 1)
        defer { redis.close() }
        let producer = try Producer(redis: redis, queue: queue)
        let ids = try await producer.enqueue((0..<20_000).map { _ in TaskRequest(type: "record", text: "5") })
        #expect(Set(ids).count == 20_000)

        let pool = try Self.pool(server)
        let status = LoggingStatusSink(logger: Logger(label: "test"))
        let clients = RedisClients()
        defer { clients.closeAll() }
        let environment = ControllerEnvironment(
            metrics: RedisQueueMetricsSource(clients: clients, defaultURL: server.url), scaleTarget: pool, status: status)
        let service = ControllerService(source: StaticTaskQueueSource(targets: [target]), environment: environment)
        let runs = "buraq-demo:{\(queue)}:runs"
        var maxWorkers = 0
        var drainedAt: ContinuousClock.Instant?
        var scaledToZero = false
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            while ContinuousClock.now - started < .seconds(120) {
                maxWorkers = max(maxWorkers, await pool.pids(of: target.key).count)
                if drainedAt == nil, (try await redis.send("HLEN", runs)).int == 20_000 { drainedAt = .now }
                if drainedAt != nil, await pool.processCount == 0 {
                    scaledToZero = true
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            group.cancelAll()
        }
        let counts = await pool.counts(of: target.key)
        #expect(maxWorkers == 4)
        #expect(drainedAt != nil)
        #expect(scaledToZero)
        #expect(counts.crashed == 0)
        #expect(counts.killed == 0)
        #expect(counts.started == counts.drained)

        let reply = try await redis.send("HGETALL", runs)
        let items = reply.array ?? []
        var seen: [String: Int] = [:]
        var i = 0
        while i + 1 < items.count {
            seen[items[i].string ?? ""] = Int(items[i + 1].string ?? "") ?? 0
            i += 2
        }
        #expect(Set(seen.keys) == Set(ids), "every task id ran")
        let repeats = seen.values.filter { $0 > 1 }.count
        #expect(repeats == 0, "graceful drains re-run nothing")
        let stats = try await QueueInspector(redis: redis, queue: queue).stats()
        #expect(stats.backlog == 0)
        #expect(stats.deadLetters == 0)
        let scales = status.events.filter { $0.1.reason == "SuccessfulRescale" }.map(\.1.message)
        #expect(scales.first?.hasPrefix("New size: 4;") == true)
        #expect(scales.last?.hasPrefix("New size: 0;") == true)
    }

    @Test func crashedWorkersAreRestartedAndCounted() async throws {
        let server = try #require(RedisServer.current)
        let queue = "crash-\(UUID().uuidString.prefix(6))"
        let target = Self.target(queue, max: 1)
        let pool = try Self.pool(server)
        var scale = try await pool.scale(of: target).get()
        #expect(try await pool.setReplicas(1, for: target, from: scale, idleWorkers: []).get() == ())
        let first = try #require(await pool.pids(of: target.key).first)
        kill(first, SIGKILL)
        var replaced: Int32?
        for _ in 0..<100 {
            scale = try await pool.scale(of: target).get()
            if let pid = await pool.pids(of: target.key).first, pid != first {
                replaced = pid
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(replaced != nil)
        #expect(await pool.counts(of: target.key).crashed == 1)
        let problems = await pool.problems(of: target)
        #expect(problems.map(\.code) == [.workersCrashing])
        #expect(problems.first?.message.contains("exit code 137") == true)
        await pool.shutdown()
        #expect(await pool.processCount == 0)
        #expect(await pool.counts(of: target.key).drained == 1)
    }

    @Test func scaleDownStopsIdleWorkersFirst() async throws {
        let server = try #require(RedisServer.current)
        let queue = "idle-\(UUID().uuidString.prefix(6))"
        let target = Self.target(queue, max: 3)
        let pool = try Self.pool(server)
        let scale = try await pool.scale(of: target).get()
        _ = await pool.setReplicas(3, for: target, from: scale, idleWorkers: [])
        let pids = await pool.pids(of: target.key)
        #expect(pids.count == 3)
        // The oldest worker is named idle: it goes first although the newest would otherwise.
        let idleID = "\(queue)-\(getpid())-1"
        _ = await pool.setReplicas(2, for: target, from: ScaleState(replicas: 3), idleWorkers: [idleID])
        let remaining = await pool.pids(of: target.key)
        #expect(remaining == Array(pids.dropFirst()))
        await pool.shutdown()
        #expect(await pool.counts(of: target.key).drained == 3)
    }
}
