import BuraqHTTP
import BuraqMetrics
import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

/// Parses the Prometheus text format into `name{labels}` → value (labels as written).
func parseExposition(_ text: String) -> [String: Double] {
    var out: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        out[String(line[..<space])] = value
    }
    return out
}

struct Boom: Error {}

/// The observer on its own, without a worker.
@Suite struct PrometheusWorkerObserverTests {
    @Test func typesPastTheCapAreCountedAsOther() {
        let observer = PrometheusWorkerObserver(maxTypes: 2)
        for type in ["a", "b", "c", "d", "a"] {
            observer.taskStarted(queue: "q", type: type, waitSeconds: 0.5)
            observer.taskFinished(queue: "q", type: type, durationSeconds: 0.01, outcome: .succeeded)
        }
        let m = parseExposition(String(decoding: observer.exposition(), as: UTF8.self))
        #expect(m["buraq_tasks_processed_total{queue=\"q\",type=\"a\"}"] == 2)
        #expect(m["buraq_tasks_processed_total{queue=\"q\",type=\"b\"}"] == 1)
        #expect(m["buraq_tasks_processed_total{queue=\"q\",type=\"other\"}"] == 2)
        #expect(m["buraq_tasks_in_flight{queue=\"q\",type=\"other\"}"] == 0)
    }
}

/// Worker metrics scraped over HTTP from a running worker.
@Suite(.redisServer, .serialized) struct MetricsTests {
    var server: RedisServer { RedisServer.current! }

    @Test func workerMetricsAreScrapedAndParsed() async throws {
        let queue = "metrics-\(UUID().uuidString.prefix(8))"
        let config = try RedisConfiguration(url: server.url)
        let redis = RedisClient(configuration: config)
        defer { redis.close() }
        let observer = PrometheusWorkerObserver()
        var handlers = HandlerRegistry()
        handlers.register("ok") { _ in try await Task.sleep(for: .milliseconds(20)) }
        handlers.register("bad") { _ in throw Boom() }
        var wc = WorkerConfiguration(queue: queue, retry: RetryPolicy(maxRetries: 1, backoff: .init(initialDelay: .milliseconds(1), maxDelay: .milliseconds(1))))
        wc.followQueueConfig = false
        let worker = try Worker(redis: config, configuration: wc, handlers: handlers, observer: observer)
        let http = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0),
                              handler: MetricsEndpoint.router(registry: observer.registry).handler)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            group.addTask { try await http.run() }
            let port = try await http.listeningPort()
            let producer = try Producer(redis: redis, queue: queue)
            try await producer.enqueue((0..<5).map { _ in TaskRequest(type: "ok") } + [TaskRequest(type: "bad"), TaskRequest(type: "nobody")])
            let inspector = try QueueInspector(redis: redis, queue: queue)
            for _ in 0..<1000 {
                let s = try await inspector.stats()
                if s.deadLetters == 2 && s.pending == 0 && s.length == 0 && s.scheduled == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let reply = try await LoopbackHTTPClient.get(port: port, "/metrics")
            #expect(reply.status == 200)
            #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            let m = parseExposition(reply.text)
            let ok = "queue=\"\(queue)\",type=\"ok\""
            let bad = "queue=\"\(queue)\",type=\"bad\""
            #expect(m["buraq_tasks_processed_total{\(ok)}"] == 5)
            #expect(m["buraq_tasks_failed_total{\(bad)}"] == 2)
            #expect(m["buraq_tasks_retried_total{\(bad)}"] == 1)
            #expect(m["buraq_tasks_dlq_total{\(bad)}"] == 1)
            #expect(m["buraq_tasks_dlq_total{queue=\"\(queue)\",type=\"nobody\"}"] == 1)
            #expect(m["buraq_tasks_failed_total{queue=\"\(queue)\",type=\"nobody\"}"] == nil, "an unknown type never ran")
            #expect(m["buraq_task_duration_seconds_count{\(ok)}"] == 5)
            #expect((m["buraq_task_duration_seconds_sum{\(ok)}"] ?? 0) >= 0.1)
            #expect(m["buraq_task_duration_seconds_bucket{\(ok),le=\"0.01\"}"] == 0)
            #expect(m["buraq_task_duration_seconds_bucket{\(ok),le=\"+Inf\"}"] == 5)
            #expect(m["buraq_task_wait_seconds_count{\(ok)}"] == 5)
            #expect(m["buraq_tasks_in_flight{\(ok)}"] == 0)
            #expect(reply.text.contains("# TYPE buraq_task_duration_seconds histogram"))
            #expect(reply.text.contains("# HELP buraq_tasks_processed_total Handler runs that succeeded."))
            let health = try await LoopbackHTTPClient.get(port: port, "/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            worker.stop()
            group.cancelAll()
        }
    }

    @Test func buraqWorkerServesMetricsOnItsPort() async throws {
        let queue = "metrics-\(UUID().uuidString.prefix(8))"
        let port = try freeLoopbackPort()
        let worker = try ChildProcess(
            executable: try BuiltProduct.path("buraq-worker"),
            arguments: ["--redis-url", server.url, "--queue", queue, "--consumer", "m1", "--metrics-port", "\(port)", "--metrics-host", "127.0.0.1"],
            outputPath: server.directory.appendingPathComponent("\(queue).log").path)
        defer { worker.kill9() }
        let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
        defer { redis.close() }
        try await Producer(redis: redis, queue: queue).enqueue((0..<10).map { _ in TaskRequest(type: "noop") })
        var processed: Double?
        for _ in 0..<500 {
            if let reply = try? await LoopbackHTTPClient.get(port: port, "/metrics") {
                processed = parseExposition(reply.text)["buraq_tasks_processed_total{queue=\"\(queue)\",type=\"noop\"}"]
                if processed == 10 { break }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(processed == 10, "output:\n\(worker.output)")
        #expect(try await LoopbackHTTPClient.get(port: port, "/healthz").status == 200)
        worker.signal(SIGTERM)
        #expect(try await worker.wait(timeout: .seconds(20)) == 0)
        #expect(worker.output.contains("Listening for HTTP"))
    }

    @Test func aTakenMetricsPortLeavesTheWorkerRunning() async throws {
        let queue = "metrics-\(UUID().uuidString.prefix(8))"
        let taken = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: { _ in .text("other\n") })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await taken.run() }
            let port = try await taken.listeningPort()
            let worker = try ChildProcess(
                executable: try BuiltProduct.path("buraq-worker"),
                arguments: ["--redis-url", server.url, "--queue", queue, "--consumer", "m2", "--metrics-port", "\(port)", "--metrics-host", "127.0.0.1"],
                outputPath: server.directory.appendingPathComponent("\(queue).log").path)
            defer { worker.kill9() }
            let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
            defer { redis.close() }
            let id = try await Producer(redis: redis, queue: queue).enqueue(TaskRequest(type: "record"))
            // The task and the failed bind are independent: the worker may run the task before
            // its metrics server has tried the port, so wait for both.
            var ran = false
            var reported = false
            for _ in 0..<500 where !(ran && reported) {
                if !ran {
                    ran = try await redis.send(RedisCommand("HGET", "buraq-demo:{\(queue)}:runs", id)).string == "1"
                }
                reported = worker.output.contains("Cannot listen for HTTP")
                if !(ran && reported) { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(ran)
            #expect(reported, "output:\n\(worker.output)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0)
            group.cancelAll()
        }
    }
}
