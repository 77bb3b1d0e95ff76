import BuraqGateway
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// The read and admin API, `/metrics`, `/healthz`, `/openapi.yaml`, `/` and `/v1/events`.
@Suite(.redisServer) struct GatewayReadTests {
    /// Adds a dead letter as a worker would.
    func deadLetter(_ h: GatewayHarness, queue: String, task: String, type: String = "t") async throws -> String {
        let keys = try QueueKeys(queue: queue)
        return try await h.redis.send(RedisCommand("XADD", keys.deadLetter, "*", "id", task, "type", type, "payload", "p-\(task)", "attempt", "3",
                                                   "enqueued_at", "1", "reason", "failed", "error", "boom", "attempts", "4",
                                                   "failed_at", "1764780000000", "worker", "w1")).string ?? ""
    }

    @Test func queuesListAndShowTheirNumbers() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true }) { h in
            let q = GatewayHarness.uniqueQueue("stats")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks:batch", json: #"{"tasks":[{"type":"a"},{"type":"b"},{"type":"c","delaySeconds":30}]}"#).status == 202)
            _ = try await deadLetter(h, queue: q, task: "dead-1")
            // A queue known only from its config hash is listed too.
            let configured = GatewayHarness.uniqueQueue("configured")
            try await h.redis.send(RedisCommand("HSET", try QueueKeys(queue: configured).config, "paused", "true"))

            let list = try await h.call("GET", "/v1/queues")
            #expect(list.status == 200)
            let names = (list.object["queues"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains(q) && names.contains(configured))

            let one = try await h.call("GET", "/v1/queues/\(q)")
            #expect(one.status == 200)
            let o = one.object
            #expect(o["name"] as? String == q && o["length"] as? Int == 2 && o["lag"] as? Int == 2 && o["pending"] as? Int == 0)
            #expect(o["scheduled"] as? Int == 1 && o["deadLetters"] as? Int == 1 && o["groupExists"] as? Bool == false)
            #expect((o["rates"] as? [String: Any])?["enqueuedPerSecond"] != nil)
            #expect(try await h.call("GET", "/v1/queues/\(configured)").object["paused"] as? Bool == true)

            let missing = try await h.call("GET", "/v1/queues/no-such-queue-here")
            #expect(missing.status == 404 && missing.errorCode == "notFound")
            #expect(try await h.call("GET", "/v1/queues/bad%7Bname").status == 400)
            #expect(try await h.call("DELETE", "/v1/queues/\(q)").status == 405)
            #expect(try await h.call("GET", "/v1/nothing").status == 404)
        }
    }

    @Test func deadLettersArePagedAndRequeued() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true }) { h in
            let q = GatewayHarness.uniqueQueue("dlq")
            var entries: [String] = []
            for i in 0..<5 { entries.append(try await deadLetter(h, queue: q, task: "task-\(i)", type: i == 4 ? "other" : "t")) }
            let first = try await h.call("GET", "/v1/queues/\(q)/dlq?limit=2")
            #expect(first.status == 200 && first.object["total"] as? Int == 5)
            let items = first.object["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["entryId"] as? String } == Array(entries[0..<2]))
            #expect(items.first?["payload"] as? String == "p-task-0" && items.first?["error"] as? String == "boom")
            #expect(items.first?["reason"] as? String == "failed" && items.first?["attempts"] as? Int == 4)
            let next = try #require(first.object["next"] as? String)
            let second = try await h.call("GET", "/v1/queues/\(q)/dlq?limit=3&after=\(next)")
            #expect((second.object["items"] as? [[String: Any]] ?? []).compactMap { $0["entryId"] as? String } == Array(entries[2..<5]))
            #expect(second.object["next"] == nil)
            let filtered = try await h.call("GET", "/v1/queues/\(q)/dlq?type=other")
            #expect((filtered.object["items"] as? [[String: Any]] ?? []).compactMap { $0["taskId"] as? String } == ["task-4"])
            #expect(try await h.call("GET", "/v1/queues/\(q)/dlq?limit=0").errorField == "limit")
            #expect(try await h.call("GET", "/v1/queues/\(q)/dlq?after=x").errorField == "after")

            // Requeue by entry id, then by task id.
            let byEntry = try await h.call("POST", "/v1/queues/\(q)/dlq/\(entries[0])/requeue")
            #expect(byEntry.status == 200 && byEntry.object["taskId"] as? String == "task-0" && byEntry.object["requeued"] as? Bool == true)
            #expect(try await h.call("POST", "/v1/queues/\(q)/dlq/task-3/requeue").status == 200)
            let keys = try QueueKeys(queue: q)
            #expect(try await h.redis.send(RedisCommand("XLEN", keys.stream)).int == 2)
            #expect(try await h.redis.send(RedisCommand("XLEN", keys.deadLetter)).int == 3)
            let gone = try await h.call("POST", "/v1/queues/\(q)/dlq/\(entries[0])/requeue")
            #expect(gone.status == 404 && gone.errorCode == "notFound")
        }
        let tokens = try TokenRegistry.parseList("reader-token:read")
        try await GatewayHarness.with({ $0.tokens = tokens }) { h in
            let readToken = try await h.call("POST", "/v1/queues/q/dlq/1-0/requeue", token: "reader-token")
            let anonymous = try await h.call("POST", "/v1/queues/q/dlq/1-0/requeue")
            let list = try await h.call("GET", "/v1/queues/q/dlq", token: "reader-token")
            #expect(readToken.status == 403 && anonymous.status == 401 && list.status == 200)
        }
    }

    @Test func workersComeFromHeartbeats() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = false }) { h in
            let q = GatewayHarness.uniqueQueue("workers")
            let keys = try QueueKeys(queue: q)
            let now = SystemWallClock().nowMilliseconds()
            let beat = WorkerHeartbeat(id: "worker-a", host: "host-1", pid: 42, startedAt: now - 5000, beatAt: now, concurrency: 8,
                                       inFlight: 3, processed: 120, failed: 2)
            _ = try await h.redis.pipeline(beat.commands(keys: keys, ttlMilliseconds: 15_000))
            try await h.redis.send(RedisCommand("XADD", keys.stream, "*", "id", "x", "type", "t"))
            let reply = try await h.call("GET", "/v1/workers?queue=\(q)")
            #expect(reply.status == 200)
            let workers = reply.object["workers"] as? [[String: Any]] ?? []
            #expect(workers.count == 1)
            #expect(workers.first?["id"] as? String == "worker-a" && workers.first?["host"] as? String == "host-1")
            #expect(workers.first?["inFlight"] as? Int == 3 && workers.first?["processed"] as? Int == 120 && workers.first?["queue"] as? String == q)
            let all = try await h.call("GET", "/v1/workers")
            #expect((all.object["workers"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == "worker-a" })
            #expect(try await h.call("GET", "/v1/workers?queue=a%7Bb").status == 400)
        }
    }

    @Test func metricsHealthDocumentAndDashboardAreServed() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = false }) { h in
            _ = try await h.call("GET", "/v1/queues")
            let metrics = try await h.call("GET", "/metrics")
            #expect(metrics.status == 200 && metrics.text.contains("buraq_gateway_requests_total{"))
            #expect(metrics.text.contains("buraq_gateway_request_duration_seconds_bucket{"))
            let health = try await h.call("GET", "/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            let document = try await h.call("GET", "/openapi.yaml")
            #expect(document.status == 200 && document.text.hasPrefix("openapi: 3"))
            let page = try await h.call("GET", "/")
            #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.text.contains("<html") && !page.text.contains("http://") && !page.text.contains("https://"))
        }
    }

    @Test func controllerDecisionsComeFromTheTaskQueueStatusFile() async throws {
        let q = GatewayHarness.uniqueQueue("scaled")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("taskqueues-\(q).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let list = #"{"apiVersion":"v1","kind":"List","items":[{"kind":"TaskQueue","metadata":{"name":"emails","namespace":"team-a"},"spec":{"queue":"\#(q)"},"#
            + #""status":{"replicas":3,"desiredReplicas":5,"lastScaleTime":"2026-12-03T18:00:00Z","conditions":[{"type":"ScalingLimited","status":"True","reason":"MaxReplicas","message":"capped at 5"}]}}]}"#
        try list.write(toFile: file, atomically: true, encoding: .utf8)
        try await GatewayHarness.with({ $0.taskQueueStatusFile = file }) { h in
            try await h.redis.send(RedisCommand("XADD", try QueueKeys(queue: q).stream, "*", "id", "x", "type", "t"))
            let reply = try await h.call("GET", "/v1/queues/\(q)")
            let controller = try #require(reply.object["controller"] as? [String: Any], "\(reply.text)")
            #expect(controller["taskQueue"] as? String == "team-a/emails")
            #expect(controller["replicas"] as? Int == 3 && controller["desiredReplicas"] as? Int == 5)
            let condition = (controller["conditions"] as? [[String: Any]])?.first
            #expect(condition?["reason"] as? String == "MaxReplicas" && condition?["message"] as? String == "capped at 5")
        }
        #expect(throws: GatewayConfigurationError.self) { try ControllerStatusFile(path: file + ".missing").statuses() }
    }

    @Test func aKeyOfAnotherTypeIs409() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true }) { h in
            let q = GatewayHarness.uniqueQueue("clash")
            try await h.redis.send(RedisCommand("SET", try QueueKeys(queue: q).stream, "not a stream"))
            try await h.redis.send(RedisCommand("HSET", try QueueKeys(queue: q).config, "paused", "false"))
            let enqueue = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#)
            #expect(enqueue.status == 409 && enqueue.errorCode == "wrongType", "\(enqueue.text)")
            let show = try await h.call("GET", "/v1/queues/\(q)")
            #expect(show.status == 409, "\(show.text)")
        }
    }

    @Test func healthIs503WithoutRedis() async throws {
        var config = GatewayConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        let gateway = Gateway(configuration: config, redis: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: try freeLoopbackPort()),
                                                                               connectTimeout: .milliseconds(200)))
        defer { gateway.close() }
        let server = gateway.makeServer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            #expect(try await LoopbackHTTPClient.get(port: port, "/healthz").status == 503)
            let enqueue = try await LoopbackHTTPClient(port: port).request("GET", "/v1/queues")
            #expect(enqueue.status == 503 && enqueue.headers["retry-after"] == "1")
            group.cancelAll()
        }
    }

    @Test func eventsStreamHistoryThenOverviews() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true }) { h in
            let q = GatewayHarness.uniqueQueue("events")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#).status == 202)
            let sampler = h.gateway.sampler
            let sampling = Task {
                while !Task.isCancelled {
                    _ = try? await sampler.sample()
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { sampling.cancel() }
            let text = try await LoopbackHTTPClient(port: h.port).readStream("/v1/events") { text in
                text.components(separatedBy: "event: overview").count > 2
            }
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(text.lowercased().contains("content-type: text/event-stream"))
            #expect(text.lowercased().contains("transfer-encoding: chunked"))
            #expect(text.contains("event: history\ndata: {"))
            #expect(text.contains("\"name\":\"\(q)\""))
        }
    }
}
