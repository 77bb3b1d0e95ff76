import BuraqGateway
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// `POST /v1/queues/{queue}/tasks` and `tasks:batch` against a real redis-server: every status code.
@Suite(.redisServer) struct GatewayEnqueueTests {
    let anonymousWrites: (inout GatewayConfiguration) -> Void = { $0.anonymousWrites = true }

    @Test func enqueueAddsTheTaskWithEveryOption() async throws {
        try await GatewayHarness.with(anonymousWrites) { h in
            let q = GatewayHarness.uniqueQueue("enq")
            let keys = try QueueKeys(queue: q)
            let plain = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"email.send","payload":"hello"}"#)
            #expect(plain.status == 202)
            let id = try #require(plain.object["id"] as? String)
            #expect(plain.object["duplicate"] as? Bool == false)
            let entries = try await h.redis.send(RedisCommand("XRANGE", keys.stream, "-", "+")).array ?? []
            #expect(entries.count == 1)
            let fields = (entries.first?.array?[1].array ?? []).compactMap(\.string)
            #expect(fields.contains("email.send") && fields.contains("hello") && fields.contains(id))

            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","payloadBase64":"AAE=","delaySeconds":60}"#).status == 202)
            #expect(try await h.redis.send(RedisCommand("ZCARD", keys.scheduled)).int == 1)
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","runAt":"2100-01-01T00:00:00Z"}"#).status == 202)
            #expect(try await h.redis.send(RedisCommand("ZCARD", keys.scheduled)).int == 2)
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","priority":"high"}"#).status == 202)
            #expect(try await h.redis.send(RedisCommand("XLEN", keys.stream(priority: "high"))).int == 1)

            let first = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","idempotencyKey":"order-42"}"#)
            let again = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","idempotencyKey":"order-42"}"#)
            #expect(first.status == 202 && again.status == 202)
            #expect(again.object["id"] as? String == first.object["id"] as? String)
            #expect(first.object["duplicate"] as? Bool == false && again.object["duplicate"] as? Bool == true)
            #expect(try await h.redis.send(RedisCommand("XLEN", keys.stream)).int == 2)
        }
    }

    @Test func batchEnqueuesInOrderAndNamesTheBadTask() async throws {
        try await GatewayHarness.with(anonymousWrites) { h in
            let q = GatewayHarness.uniqueQueue("batch")
            let reply = try await h.call("POST", "/v1/queues/\(q)/tasks:batch",
                                         json: #"{"tasks":[{"type":"a"},{"type":"b","payload":"x"},{"type":"c","idempotencyKey":"k"},{"type":"d","idempotencyKey":"k"}]}"#)
            #expect(reply.status == 202)
            let tasks = try #require(reply.object["tasks"] as? [[String: Any]])
            #expect(tasks.count == 4)
            #expect(tasks.map { $0["duplicate"] as? Bool } == [false, false, false, true])
            #expect(tasks[2]["id"] as? String == tasks[3]["id"] as? String)
            #expect(try await h.redis.send(RedisCommand("XLEN", try QueueKeys(queue: q).stream)).int == 3)

            let bad = try await h.call("POST", "/v1/queues/\(q)/tasks:batch", json: #"{"tasks":[{"type":"a"},{"type":"b","delaySeconds":"x"}]}"#)
            #expect(bad.status == 400 && bad.errorField == "tasks[1].delaySeconds" && bad.errorCode == "invalidField")
            #expect(try await h.redis.send(RedisCommand("XLEN", try QueueKeys(queue: q).stream)).int == 3)
        }
    }

    @Test func badRequestsAre400NamingTheField() async throws {
        try await GatewayHarness.with(anonymousWrites) { h in
            let q = GatewayHarness.uniqueQueue("bad")
            let cases: [(String, String, String)] = [
                ("/v1/queues/\(q)/tasks", "{", "body"),
                ("/v1/queues/\(q)/tasks", "", "body"),
                ("/v1/queues/\(q)/tasks", #"{"payload":"x"}"#, "type"),
                ("/v1/queues/\(q)/tasks", #"{"type":"t","colour":"red"}"#, "colour"),
                ("/v1/queues/\(q)/tasks", #"{"type":"t","runAt":"later"}"#, "runAt"),
                ("/v1/queues/bad%7Bname/tasks", #"{"type":"t"}"#, "queue"),
            ]
            for (target, body, field) in cases {
                let reply = try await h.call("POST", target, json: body)
                #expect(reply.status == 400, "\(target) \(body)")
                #expect(reply.errorField == field, "\(target) \(body): \(reply.text)")
                #expect(reply.headers["content-type"] == "application/json")
            }
        }
    }

    @Test func oversizedPayloadOrBodyIs413() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true; $0.maxPayloadBytes = 10; $0.maxBodyBytes = 200 }) { h in
            let q = GatewayHarness.uniqueQueue("big")
            let payload = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","payload":"12345678901"}"#)
            #expect(payload.status == 413 && payload.errorField == "payload" && payload.errorCode == "payloadTooLarge")
            let body = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t","payload":""# + String(repeating: "x", count: 300) + #""}"#)
            #expect(body.status == 413)
        }
    }

    @Test func authenticationIs401And403() async throws {
        let tokens = try TokenRegistry.parseList("reader-token:read,writer-token:write")
        try await GatewayHarness.with({ $0.tokens = tokens }) { h in
            let q = GatewayHarness.uniqueQueue("auth")
            let none = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#)
            #expect(none.status == 401 && none.headers["www-authenticate"] == "Bearer realm=\"buraq\"")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", token: "wrong-token", json: #"{"type":"t"}"#).status == 401)
            let read = try await h.call("POST", "/v1/queues/\(q)/tasks", token: "reader-token", json: #"{"type":"t"}"#)
            #expect(read.status == 403 && read.errorCode == "forbidden")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", token: "writer-token", json: #"{"type":"t"}"#).status == 202)
            #expect(try await h.call("GET", "/v1/queues").status == 401)
            #expect(try await h.call("GET", "/v1/queues", token: "reader-token").status == 200)
            #expect(try await h.call("GET", "/v1/queues", token: "writer-token").status == 200)
            #expect(try await h.call("GET", "/healthz").status == 200)
        }
        // No tokens at all: reads are open, writes need --allow-anonymous-writes.
        try await GatewayHarness.with({ $0.anonymousWrites = false }) { h in
            let write = try await h.call("POST", "/v1/queues/anon/tasks", json: #"{"type":"t"}"#)
            let read = try await h.call("GET", "/v1/queues")
            #expect(write.status == 401 && read.status == 200)
        }
    }

    /// The clock stands still between requests, so a slow machine cannot refill the bucket
    /// before the request that must be refused.
    @Test func overTheRateIs429WithRetryAfter() async throws {
        let t0: Int64 = 1_800_000_000_000
        let clock = ManualWallClock(t0)
        try await GatewayHarness.with({ $0.anonymousWrites = true; $0.rateLimit = 0.5; $0.rateBurst = 3 }, clock: clock) { h in
            let q = GatewayHarness.uniqueQueue("rate")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks:batch", json: #"{"tasks":[{"type":"a"},{"type":"b"}]}"#).status == 202)
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#).status == 202)
            let limited = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#)
            #expect(limited.status == 429 && limited.errorCode == "rateLimited")
            // One token at 0.5 per second is two seconds away.
            #expect(limited.headers["retry-after"] == "2")
            // 1.5 s later, half a second is left, and Retry-After rounds it up to a whole second.
            clock.set(t0 + 1_500)
            let stillLimited = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#)
            #expect(stillLimited.status == 429 && stillLimited.headers["retry-after"] == "1")
            // After the wait the bucket has refilled one token, and only one.
            clock.set(t0 + 2_000)
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#).status == 202)
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#).status == 429)
        }
    }

    @Test func backlogOverTheMaximumIs503WithRetryAfter() async throws {
        try await GatewayHarness.with({ $0.anonymousWrites = true; $0.defaultMaxBacklog = 2 }) { h in
            // The flag's default applies to a queue without maxBacklog in its config hash.
            let q = GatewayHarness.uniqueQueue("full")
            #expect(try await h.call("POST", "/v1/queues/\(q)/tasks:batch", json: #"{"tasks":[{"type":"a"},{"type":"b"}]}"#).status == 202)
            let full = try await h.call("POST", "/v1/queues/\(q)/tasks", json: #"{"type":"t"}"#)
            #expect(full.status == 503 && full.errorCode == "backlogFull" && full.headers["retry-after"] == "1")
            // The config hash's maxBacklog wins over the flag.
            let roomy = GatewayHarness.uniqueQueue("roomy")
            try await h.redis.send(RedisCommand("HSET", try QueueKeys(queue: roomy).config, "maxBacklog", "4"))
            #expect(try await h.call("POST", "/v1/queues/\(roomy)/tasks:batch", json: #"{"tasks":[{"type":"a"},{"type":"b"},{"type":"c"}]}"#).status == 202)
            #expect(try await h.call("POST", "/v1/queues/\(roomy)/tasks", json: #"{"type":"t"}"#).status == 202)
            #expect(try await h.call("POST", "/v1/queues/\(roomy)/tasks", json: #"{"type":"t"}"#).status == 503)
        }
    }

    @Test func concurrentRequestsAreCoalescedWithoutLosingAny() async throws {
        try await GatewayHarness.with(anonymousWrites) { h in
            let q = GatewayHarness.uniqueQueue("many")
            let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<16 {
                    group.addTask {
                        let connection = try LoopbackHTTPClient(port: h.port)
                        var ids: [String] = []
                        for i in 0..<25 {
                            let reply = try await connection.request("POST", "/v1/queues/\(q)/tasks", body: Array(#"{"type":"t","payload":"\#(client)-\#(i)"}"#.utf8))
                            if let id = reply.object["id"] as? String, reply.status == 202 { ids.append(id) }
                        }
                        return ids
                    }
                }
                return try await group.reduce([], +)
            }
            #expect(ids.count == 400 && Set(ids).count == 400)
            #expect(try await h.redis.send(RedisCommand("XLEN", try QueueKeys(queue: q).stream)).int == 400)
        }
    }
}
