import BuraqController
import BuraqQueue
import BuraqRedis
import BuraqScaling
import BuraqTestSupport
import Foundation
import Testing

/// Reads through Redis: batched per address, each queue its own result.
@Suite(.redisServer) struct RedisQueueMetricsSourceTests {
    @Test func concurrentReadsShareRoundTripsAndKeepTheirOwnResults() async throws {
        let server = try #require(RedisServer.current)
        let redis = try RedisClient(url: server.url, poolSize: 1)
        defer { redis.close() }
        let prefix = "batch-\(UUID().uuidString.prefix(6))"
        for i in 0..<20 {
            _ = try await Producer(redis: redis, queue: "\(prefix)-\(i)").enqueue((0..<i).map { _ in TaskRequest(type: "noop") })
        }
        try await redis.send("SET", "buraq:{\(prefix)-bad}:stream", "not a stream")
        let clients = RedisClients()
        defer { clients.closeAll() }
        let source = RedisQueueMetricsSource(clients: clients, defaultURL: server.url, batchWindow: .milliseconds(20))
        func target(_ queue: String) -> QueueTarget {
            QueueTarget(
                key: TaskQueueKey(namespace: "t", name: queue), queue: queue,
                scaling: ScalingSpec(targetPerReplica: 1, maxReplicas: 1), scaleTargetName: queue)
        }
        let results = await withTaskGroup(of: (String, QueueReading).self) { group in
            for queue in (0..<20).map({ "\(prefix)-\($0)" }) + ["\(prefix)-bad"] {
                group.addTask { (queue, await source.read(target(queue), writing: nil)) }
            }
            var all: [String: QueueReading] = [:]
            for await (queue, reading) in group { all[queue] = reading }
            return all
        }
        for i in 0..<20 {
            let stats = try results["\(prefix)-\(i)"]!.metrics.get()
            #expect(stats.length == Int64(i))
            #expect(stats.backlog == Int64(i))
        }
        guard case .failure(let error) = results["\(prefix)-bad"]!.metrics else {
            Issue.record("the wrong-type key must fail its own read")
            return
        }
        #expect(error.code == .redisError)
        #expect(error.message.contains("wrong type"))
    }

    @Test func aTaskQueueThatChangesItsQueueGroupOrAddressReadsTheNewOne() async throws {
        let server = try #require(RedisServer.current)
        let redis = try RedisClient(url: server.url, poolSize: 1)
        defer { redis.close() }
        let prefix = "moved-\(UUID().uuidString.prefix(6))"
        _ = try await Producer(redis: redis, queue: "\(prefix)-a").enqueue((0..<2).map { _ in TaskRequest(type: "noop") })
        _ = try await Producer(redis: redis, queue: "\(prefix)-b").enqueue((0..<5).map { _ in TaskRequest(type: "noop") })
        try await redis.send(RedisCommand("XGROUP", "CREATE", "buraq:{\(prefix)-b}:stream", "late", "$"))
        let clients = RedisClients()
        defer { clients.closeAll() }
        let source = RedisQueueMetricsSource(clients: clients, defaultURL: server.url)
        let key = TaskQueueKey(namespace: "t", name: prefix)
        var target = QueueTarget(key: key, queue: "\(prefix)-a", scaling: ScalingSpec(targetPerReplica: 1, maxReplicas: 1), scaleTargetName: "w")
        #expect(try await source.read(target, writing: nil).metrics.get().backlog == 2)
        target.queue = "\(prefix)-b"
        #expect(try await source.read(target, writing: nil).metrics.get().backlog == 5)
        target.consumerGroup = "late"
        #expect(try await source.read(target, writing: nil).metrics.get().backlog == 0)
        // Another address: the URL's database 1 holds nothing of this queue.
        target.redisURL = server.url + "/1"
        let elsewhere = try await source.read(target, writing: nil).metrics.get()
        #expect(elsewhere.length == 0 && !elsewhere.groupExists)
        #expect(clients.count == 2)
    }
}

