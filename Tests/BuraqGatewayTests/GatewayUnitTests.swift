import BuraqGateway
import BuraqHTTP
import BuraqQueue
import Foundation
import Testing

/// Pure pieces of the gateway: token bucket, tokens, access policy, request decoding, rates, routing.
@Suite struct GatewayUnitTests {
    @Test func tokenBucketAllowsTheBurstThenSaysHowLongToWait() {
        var bucket = TokenBucket(rate: 2, burst: 3, now: 0)
        #expect(bucket.take(now: 0) == nil && bucket.take(now: 0) == nil && bucket.take(now: 0) == nil)
        #expect(bucket.take(now: 0) == 1)  // half a second to the next token, rounded up
        #expect(bucket.take(now: 500) == nil)
        #expect(bucket.take(5, now: 500) == 3)
        #expect(bucket.take(now: 10_000) == nil)  // refilled, capped at the burst
        #expect(bucket.tokens == 2)
    }

    @Test func tokenFileAndListAreReadAndBadLinesNamed() throws {
        let registry = try TokenRegistry.parseFile("# tokens\nreadtoken1 read dashboards\n\nwritetoken1 write\n", file: "t.txt")
        #expect(registry.count == 2)
        #expect(registry.lookup("readtoken1") == .init(token: "readtoken1", scope: .read, name: "dashboards"))
        #expect(registry.lookup("writetoken1")?.scope == .write)
        #expect(throws: GatewayConfigurationError("t.txt:2: scope must be 'read' or 'write', got 'admin'")) {
            try TokenRegistry.parseFile("okokokok read\nabcdefgh admin\n", file: "t.txt")
        }
        #expect(throws: GatewayConfigurationError("t.txt:1: a token must be at least 8 characters")) {
            try TokenRegistry.parseFile("short write\n", file: "t.txt")
        }
        let list = try TokenRegistry.parseList("aaaaaaaa:read, bbbbbbbb:write:ci")
        #expect(list.lookup("bbbbbbbb")?.name == "ci" && list.lookup("aaaaaaaa")?.scope == .read)
        #expect(throws: GatewayConfigurationError.self) { try TokenRegistry.parseList("aaaaaaaa") }
    }

    @Test func accessPolicyAnswers401And403() throws {
        let tokens = try TokenRegistry.parseList("readtoken:read,writetoken:write")
        let policy = AccessPolicy(tokens: tokens)
        func status(_ headers: [(String, String)], _ scope: AccessScope, target: String = "/v1/queues") -> Int {
            let request = HTTPRequest(method: "GET", target: target, headers: headers.map { (name: $0.0, value: $0.1) })
            switch policy.authorize(request, needs: scope) {
            case .success: return 200
            case .failure(let error): return error.status
            }
        }
        #expect(status([], .read) == 401)
        #expect(status([("Authorization", "Bearer nope-nope")], .read) == 401)
        #expect(status([("Authorization", "Basic abc")], .read) == 401)
        #expect(status([("Authorization", "Bearer readtoken")], .read) == 200)
        #expect(status([("Authorization", "Bearer readtoken")], .write) == 403)
        #expect(status([("Authorization", "bearer writetoken")], .write) == 200)
        #expect(status([], .read, target: "/v1/events?access_token=readtoken") == 200)
        // Without tokens: anonymous reads, and writes only when allowed.
        #expect(AccessPolicy(tokens: TokenRegistry()).authorize(HTTPRequest(method: "GET", path: "/"), needs: .read).isAllowed)
        #expect(!AccessPolicy(tokens: TokenRegistry()).authorize(HTTPRequest(method: "POST", path: "/"), needs: .write).isAllowed)
        #expect(AccessPolicy(tokens: TokenRegistry(), anonymousWrites: true).authorize(HTTPRequest(method: "POST", path: "/"), needs: .write).isAllowed)
    }

    @Test func decoderReadsEveryFieldAndNamesTheBadOne() throws {
        let decoder = EnqueueRequestDecoder(maxPayloadBytes: 8, maxBatch: 2)
        let now: Int64 = 1_000_000
        let task = try decoder.decodeOne(Array(#"{"type":"t","payloadBase64":"AAEC","delaySeconds":1.5,"priority":"high","idempotencyKey":"k","headers":{"a":"b"}}"#.utf8), now: now)
        #expect(task.type == "t" && task.payload == [0, 1, 2] && task.schedule == .after(.milliseconds(1500)))
        #expect(task.priority == "high" && task.idempotencyKey == "k" && task.headers == ["a": "b"])
        let at = try decoder.decodeOne(Array(#"{"type":"t","payload":"hi","runAt":"2100-01-01T00:00:00Z"}"#.utf8), now: now)
        #expect(at.schedule == .at(4_102_444_800_000) && at.payload == Array("hi".utf8))

        func field(_ body: String, batch: Bool = false) -> String? {
            do {
                if batch { _ = try decoder.decodeBatch(Array(body.utf8), now: now) } else { _ = try decoder.decodeOne(Array(body.utf8), now: now) }
                return nil
            } catch { return "\(error.status) \(error.field ?? "-")" }
        }
        #expect(field("not json") == "400 body")
        #expect(field("[1]") == "400 body")
        #expect(field(#"{"payload":"x"}"#) == "400 type")
        #expect(field(#"{"type":5}"#) == "400 type")
        #expect(field(#"{"type":"t","delay":3}"#) == "400 delay")
        #expect(field(#"{"type":"t","delaySeconds":-1}"#) == "400 delaySeconds")
        #expect(field(#"{"type":"t","delaySeconds":"soon"}"#) == "400 delaySeconds")
        #expect(field(#"{"type":"t","delaySeconds":1,"runAt":"2100-01-01T00:00:00Z"}"#) == "400 runAt")
        #expect(field(#"{"type":"t","runAt":"tomorrow"}"#) == "400 runAt")
        #expect(field(#"{"type":"t","payload":"a","payloadBase64":"YQ=="}"#) == "400 payloadBase64")
        #expect(field(#"{"type":"t","payloadBase64":"***"}"#) == "400 payloadBase64")
        #expect(field(#"{"type":"t","payload":"123456789"}"#) == "413 payload")
        #expect(field(#"{"type":"t","priority":"very high"}"#) == "400 priority")
        #expect(field(#"{"type":"t","idempotencyKey":""}"#) == "400 idempotencyKey")
        #expect(field(#"{"type":"t","headers":{"a":1}}"#) == "400 headers.a")
        #expect(field(#"{"tasks":[{"type":"a"},{"type":""}]}"#, batch: true) == "400 tasks[1].type")
        #expect(field(#"{"tasks":[{"type":"a"},{"type":"b"},{"type":"c"}]}"#, batch: true) == "400 tasks")
        #expect(field(#"{"tasks":[]}"#, batch: true) == "400 tasks")
        #expect(field(#"{"tasks":[1]}"#, batch: true) == "400 tasks[0]")
        #expect(field(#"{"tasks":[{"type":"a"}],"x":1}"#, batch: true) == "400 x")
    }

    @Test func rateHistoryComputesRatesAndIgnoresCounterResets() {
        var history = RateHistory(capacity: 5)
        #expect(history.rates() == QueueRates())
        history.append(CounterSample(time: 0, added: 100, acknowledged: 50, failed: 3))
        history.append(CounterSample(time: 1000, added: 200, acknowledged: 100, failed: 5))
        history.append(CounterSample(time: 2000, added: 400, acknowledged: 180, failed: 1))  // a worker restarted
        let rates = history.rates(windowMilliseconds: 10_000)
        #expect(rates.enqueuedPerSecond == 150 && rates.processedPerSecond == 65 && rates.failedPerSecond == 1 && rates.windowSeconds == 2)
        #expect(history.lastPoint == RatePoint(t: 2000, enqueued: 200, processed: 80, failed: 0))
        for t in 3...9 { history.append(CounterSample(time: Int64(t) * 1000, added: 400, acknowledged: 180, failed: 1)) }
        #expect(history.samples.count == 5 && history.points.count == 4)
        #expect(history.rates(windowMilliseconds: 2000).enqueuedPerSecond == 0)
    }

    @Test func routerMatchesPatternsAndListsRoutes() async {
        var router = HTTPRouter()
        router.get("/v1/queues") { _ in .text("list") }
        router.get("/v1/queues/{queue}") { .text("show \($0.parameter("queue"))") }
        router.post("/v1/queues/{queue}/tasks:batch") { .text("batch \($0.parameter("queue"))") }
        router.post("/v1/queues/{queue}/dlq/{id}/requeue") { .text("\($0.parameter("queue")) \($0.parameter("id"))") }
        #expect(String(decoding: await router.handle(HTTPRequest(method: "GET", target: "/v1/queues/emails")).body, as: UTF8.self) == "show emails")
        #expect(String(decoding: await router.handle(HTTPRequest(method: "POST", target: "/v1/queues/a/tasks:batch")).body, as: UTF8.self) == "batch a")
        #expect(String(decoding: await router.handle(HTTPRequest(method: "POST", target: "/v1/queues/q/dlq/1-0/requeue")).body, as: UTF8.self) == "q 1-0")
        #expect(await router.handle(HTTPRequest(method: "GET", target: "/v1/queues/a/tasks")).status == 404)
        #expect(await router.handle(HTTPRequest(method: "GET", target: "/v1/queues//")).status == 404)
        let wrong = await router.handle(HTTPRequest(method: "POST", target: "/v1/queues/emails"))
        #expect(wrong.status == 405 && wrong.header("Allow") == "GET, HEAD")
        #expect(router.routeList.map { "\($0.method) \($0.path)" } == [
            "GET /v1/queues", "GET /v1/queues/{queue}", "POST /v1/queues/{queue}/dlq/{id}/requeue", "POST /v1/queues/{queue}/tasks:batch",
        ])
    }
}

extension Result {
    var isAllowed: Bool { if case .success = self { return true } else { return false } }
}
