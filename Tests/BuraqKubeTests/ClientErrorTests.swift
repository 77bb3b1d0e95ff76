import BuraqKube
import BuraqKubeFake
import BuraqTestSupport
import Foundation
import Testing

@Suite("KubeClient errors and retries")
struct ClientErrorTests {
    private func count(_ server: FakeAPIServer, _ prefix: String) -> Int {
        server.requests.filter { $0.hasPrefix(prefix) }.count
    }

    @Test func notFoundIsDecodedFromStatus() async throws {
        try await withFakeServer { _, client in
            do {
                _ = try await client.get(.deployments, namespace: "default", name: "missing")
                Issue.record("Expected NotFound")
            } catch let error as KubeAPIError {
                #expect(error.code == 404)
                #expect(error.reason == "NotFound")
                #expect(error.message == "deployments.apps \"missing\" not found")
                #expect(error.details?.name == "missing")
                #expect(error.request == "GET /apis/apps/v1/namespaces/default/deployments/missing")
            }
        }
    }

    @Test func alreadyExistsIsNotAConflict() async throws {
        try await withFakeServer { _, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            do {
                _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
                Issue.record("Expected AlreadyExists")
            } catch let error as KubeAPIError {
                #expect(error.isAlreadyExists)
                #expect(!error.isConflict)
            }
        }
    }

    @Test func bearerTokenIsChecked() async throws {
        let configuration = FakeAPIServer.Configuration(token: "s3cret")
        try await withFakeServer(configuration, credentials: .token("s3cret")) { _, client in
            _ = try await client.list(.deployments, namespace: "default")
        }
        try await withFakeServer(configuration, credentials: .token("wrong")) { server, client in
            do {
                _ = try await client.list(.deployments, namespace: "default")
                Issue.record("Expected 401")
            } catch let error as KubeAPIError {
                #expect(error.isUnauthorized)
                #expect(error.reason == "Unauthorized")
            }
            #expect(server.requests.count == 1, "401 is not retried")
        }
    }

    @Test(arguments: [500, 503, 504])
    func serverErrorsAreRetried(code: Int) async throws {
        try await withFakeServer { server, client in
            server.faults.inject(.status(code), count: 2, method: "GET")
            let list = try await client.list(.deployments, namespace: "default")
            #expect(list.items.isEmpty)
            #expect(count(server, "GET /apis/apps/v1") == 3)
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await withFakeServer { server, client in
            server.faults.inject(.status(429, retryAfterSeconds: 1), count: 1)
            let started = ContinuousClock.now
            _ = try await client.list(.deployments, namespace: "default")
            #expect(count(server, "GET /apis/apps/v1") == 2)
            #expect(ContinuousClock.now - started >= .seconds(1), "The retry waited for Retry-After")
        }
    }

    @Test(arguments: [400, 403, 404, 409, 422])
    func otherClientErrorsAreNotRetried(code: Int) async throws {
        try await withFakeServer { server, client in
            server.faults.inject(.status(code), count: 1)
            do {
                _ = try await client.list(.deployments, namespace: "default")
                Issue.record("Expected \(code)")
            } catch let error as KubeAPIError {
                #expect(error.code == code)
                #expect(error.message == "Injected fault: \(code)")
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func retriesGiveUpAfterTheLimit() async throws {
        let policy = RetryPolicy(maxRetries: 2, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))
        try await withFakeServer(retry: policy) { server, client in
            server.faults.inject(.status(503), count: 10)
            await #expect(throws: KubeAPIError.self) { try await client.list(.deployments, namespace: "default") }
            #expect(server.requests.count == 3)
        }
    }

    @Test func droppedConnectionsAreRetriedExceptForCreate() async throws {
        try await withFakeServer { server, client in
            server.faults.inject(.dropConnection, count: 1, method: "GET")
            _ = try await client.list(.deployments, namespace: "default")
            #expect(server.requests.count == 2)

            // A fresh client: on a reused keep-alive connection libcurl itself re-sends a request once
            // when the connection turns out dead before any byte of the answer.
            server.clearRequests()
            server.faults.inject(.dropConnection, count: 1, method: "POST")
            let fresh = KubeClient(configuration: ClientConfiguration(server: server.url))
            defer { fresh.shutdown() }
            do {
                _ = try await fresh.create(.deployments, namespace: "default", object: deployment("web"))
                Issue.record("Expected a dropped connection")
            } catch let error as KubeClientError {
                #expect(error.code == .connectionDropped)
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func delayedResponsesTimeOut() async throws {
        let server = try await FakeAPIServer.start()
        let client = KubeClient(configuration: ClientConfiguration(server: server.url, requestTimeout: .milliseconds(300),
                                                                   retry: .never))
        server.faults.inject(.delay(.seconds(2)), count: 1)
        do {
            _ = try await client.list(.deployments, namespace: "default")
            Issue.record("Expected a timeout")
        } catch let error as KubeClientError {
            #expect(error.code == .timeout)
        }
        client.shutdown()
        await server.shutdown()
    }

    @Test func connectionRefusedIsAConnectionFailure() async throws {
        let client = KubeClient(configuration: ClientConfiguration(server: "http://127.0.0.1:1", retry: .never))
        do {
            _ = try await client.list(.deployments, namespace: "default")
            Issue.record("Expected a connection failure")
        } catch let error as KubeClientError {
            #expect(error.code == .connectionFailed)
            #expect(error.isTransient)
        }
        client.shutdown()
    }

    @Test func cancellingARequestStopsIt() async throws {
        try await withFakeServer { server, client in
            server.faults.inject(.delay(.seconds(30)), count: 1)
            let task = Task { try await client.list(.deployments, namespace: "default") }
            let started = try await eventually { server.requests.count == 1 }
            #expect(started)
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }

    @Test func retryPolicyDecisions() {
        let policy = RetryPolicy(maxRetries: 3, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        let unavailable = KubeAPIError(code: 503, reason: "ServiceUnavailable", message: "")
        #expect(policy.delay(afterFailure: unavailable, method: "GET", retry: 1, random: 0) == .milliseconds(50))
        #expect(policy.delay(afterFailure: unavailable, method: "GET", retry: 3, random: 1) == .milliseconds(400))
        #expect(policy.delay(afterFailure: unavailable, method: "GET", retry: 4) == nil)
        let throttled = KubeAPIError(code: 429, reason: "TooManyRequests", message: "", retryAfterSeconds: 7)
        #expect(policy.delay(afterFailure: throttled, method: "POST", retry: 1) == .seconds(7))
        #expect(policy.delay(afterFailure: KubeAPIError(code: 409, reason: "Conflict", message: ""), method: "PUT", retry: 1) == nil)
        let dropped = KubeClientError(.connectionDropped, "")
        #expect(policy.delay(afterFailure: dropped, method: "PATCH", retry: 1) != nil)
        #expect(policy.delay(afterFailure: dropped, method: "POST", retry: 1) == nil)
        #expect(policy.delay(afterFailure: KubeClientError(.connectionFailed, ""), method: "POST", retry: 1) != nil)
    }

    @Test func tokenBucketAllowsABurstThenPaces() {
        var bucket = TokenBucket(qps: 20, burst: 30)
        for _ in 0..<30 { #expect(bucket.reserve(now: .zero) == .zero) }
        #expect(bucket.reserve(now: .zero) == .milliseconds(50))
        #expect(bucket.reserve(now: .zero) == .milliseconds(100))
        // After a quiet second, 20 tokens came back (2 were borrowed).
        var refilled = 0
        while bucket.reserve(now: .seconds(1)) == .zero { refilled += 1 }
        #expect(refilled == 18)
    }
}

@Suite("TLS")
struct TLSTests {
    @Test func httpsAgainstAPlainServerFailsTheHandshake() async throws {
        let server = try await FakeAPIServer.start()
        let https = "https://127.0.0.1:\(server.port)"
        for tls in [TLSOptions(), TLSOptions(caData: Array("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".utf8))] {
            let client = KubeClient(configuration: ClientConfiguration(server: https, tls: tls, retry: .never))
            do {
                _ = try await client.list(.deployments, namespace: "default")
                Issue.record("TLS to a plain HTTP server succeeded")
            } catch let error as KubeClientError {
                #expect(error.code == .tls, "\(error)")
            }
            client.shutdown()
        }
        await server.shutdown()
    }
}

final class RecordingObserver: KubeClientObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var recorded: [String] { lock.withLock { lines } }
    func requestFinished(method: String, code: Int, duration: Duration) { lock.withLock { lines.append("\(method) \(code)") } }
    func requestRetried(method: String, code: Int, delay: Duration) { lock.withLock { lines.append("retry \(method) \(code)") } }
}

@Suite("Client observer")
struct ClientObserverTests {
    @Test func reportsEveryAttemptAndRetry() async throws {
        let server = try await FakeAPIServer.start()
        let observer = RecordingObserver()
        let client = KubeClient(configuration: ClientConfiguration(server: server.url, retry: RetryPolicy(initialBackoff: .milliseconds(1))),
                                observer: observer)
        server.faults.inject(.status(503), count: 1)
        _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
        await #expect(throws: KubeAPIError.self) { try await client.get(.deployments, namespace: "default", name: "nope") }
        #expect(observer.recorded == ["POST 503", "retry POST 503", "POST 201", "GET 404"])
        client.shutdown()
        await server.shutdown()
    }
}
