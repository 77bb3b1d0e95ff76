import BuraqHTTP
import BuraqTestSupport
import Foundation
import Logging
import Synchronization
import ServiceLifecycle
import Testing

/// The HTTP server on a free loopback port, driven by a plain socket client.
@Suite struct HTTPServerTests {
    func withServer(_ router: HTTPRouter, maxBodyBytes: Int = 1 << 20,
                    _ body: (Int) async throws -> Void) async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes), handler: router.handler)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            try await body(port)
            group.cancelAll()
        }
    }

    var echoRouter: HTTPRouter {
        var router = HTTPRouter()
        router.get("/healthz") { _ in .text("ok\n") }
        router.post("/echo") { request in
            var response = HTTPResponse.text("\(request.method) \(request.path) q=\(request.query("q") ?? "-") " +
                                             "x=\(request.header("x-test") ?? "-") body=\(request.bodyText)")
            response.headers.append(("X-Echo", "1"))
            return response
        }
        return router
    }

    @Test func routesKeepAliveAndPipelinedRequestsOnOneConnection() async throws {
        try await withServer(echoRouter) { port in
            let client = try LoopbackHTTPClient(port: port)
            let health = try await client.request("GET", "/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            #expect(health.headers["connection"] == "keep-alive")
            #expect(health.headers["content-type"] == "text/plain; charset=utf-8")
            let echo = try await client.request("POST", "/echo?q=a%20b+c&z", headers: ["X-Test": "yes"], body: Array("hello".utf8))
            #expect(echo.status == 200)
            #expect(echo.text == "POST /echo q=a b c x=yes body=hello")
            #expect(echo.headers["x-echo"] == "1")
            let head = try await client.request("HEAD", "/healthz")
            #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "3")
        }
    }

    @Test func expectContinueIsAnswered() async throws {
        try await withServer(echoRouter) { port in
            let client = try LoopbackHTTPClient(port: port)
            let body = Array(repeating: UInt8(ascii: "b"), count: 4000)
            let reply = try await client.request("POST", "/echo", headers: ["Expect": "100-continue"], body: body)
            #expect(reply.status == 200)
            #expect(reply.text.hasSuffix("body=" + String(repeating: "b", count: 4000)))
            #expect(try await client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        try await withServer(echoRouter) { port in
            let missing = try await LoopbackHTTPClient.get(port: port, "/nope")
            #expect(missing.status == 404)
            let wrong = try await LoopbackHTTPClient(port: port).request("DELETE", "/healthz")
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, HEAD")
        }
    }

    @Test func oversizedBodyIs413AndTheConnectionCloses() async throws {
        try await withServer(echoRouter, maxBodyBytes: 10) { port in
            let client = try LoopbackHTTPClient(port: port)
            let reply = try await client.request("POST", "/echo", body: Array(repeating: 65, count: 100))
            #expect(reply.status == 413)
            #expect(reply.headers["connection"] == "close")
        }
    }

    @Test func manyConcurrentClients() async throws {
        try await withServer(echoRouter) { port in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await LoopbackHTTPClient.get(port: port, "/healthz").status } }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test func bindFailureIsReportedToWaiters() async throws {
        try await withServer(echoRouter) { port in
            let second = HTTPServer(configuration: .init(host: "127.0.0.1", port: port), handler: echoRouter.handler)
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { try await second.listeningPort() }
        }
    }

    @Test func gracefulShutdownClosesKeepAliveConnectionsAndReturns() async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: echoRouter.handler)
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            let client = try LoopbackHTTPClient(port: port)
            #expect(try await client.request("GET", "/healthz").status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()  // returns although the keep-alive connection is still open
            await #expect(throws: (any Error).self) { try await client.request("GET", "/healthz") }
        }
    }

    @Test func streamedResponsesAreChunkedAndPatternsFillParameters() async throws {
        var router = HTTPRouter()
        router.get("/stream") { _ in
            .streaming(headers: [("Content-Type", "text/event-stream")]) { writer in
                for i in 0..<3 { try await writer.write("data: \(i)\n\n") }
            }
        }
        router.get("/items/{id}") { .text("item \($0.parameter("id")) from \($0.remoteAddress ?? "-")") }
        try await withServer(router) { port in
            let text = try await LoopbackHTTPClient(port: port).readStream("/stream") { $0.hasSuffix("\r\n0\r\n\r\n") }
            #expect(text.lowercased().contains("transfer-encoding: chunked"))
            #expect(text.contains("data: 0\n\n") && text.contains("data: 2\n\n"))
            #expect(try await LoopbackHTTPClient.get(port: port, "/items/42").text == "item 42 from 127.0.0.1")
        }
    }

    @Test func directRoutesAnswerFromAnyThreadAndPipelinedRepliesKeepTheirOrder() async throws {
        var router = HTTPRouter()
        router.add("GET", "/later/{n}", direct: { request, respond in
            let n = request.parameter("n")
            Thread { respond(.text("later \(n)")) }.start()
        })
        router.add("GET", "/now", direct: { _, respond in respond(.text("now")) })
        router.get("/async") { _ in .text("async") }
        try await withServer(router) { port in
            let client = try LoopbackHTTPClient(port: port)
            let replies = try await client.pipelined(["/later/1", "/now", "/async", "/later/2", "/missing"])
            #expect(replies.map(\.text) == ["later 1", "now", "async", "later 2", "Not found: /missing\n"])
            #expect(replies.allSatisfy { $0.headers["connection"] == "keep-alive" })
            #expect(String(decoding: await router.handle(HTTPRequest(method: "GET", target: "/later/3")).body, as: UTF8.self) == "later 3")
        }
    }

    @Test func deepPipelinesMalformedRequestsHTTP10AndUnsafeHeaders() async throws {
        var router = echoRouter
        router.get("/n/{n}") { .text($0.parameter("n")) }
        router.get("/empty") { _ in HTTPResponse(status: 204, headers: [("X-Ok", "1")]) }
        router.get("/unsafe") { _ in HTTPResponse(status: 200, headers: [("X-Bad", "a\r\nSet-Cookie: x=1"), ("Bad Name", "v"), ("X-Good", "g")]) }
        try await withServer(router) { port in
            // More pipelined requests than the handler queues before it stops reading.
            let many = try await LoopbackHTTPClient(port: port).pipelined((0..<40).map { "/n/\($0)" })
            #expect(many.map(\.text) == (0..<40).map { "\($0)" })

            let bad = try await LoopbackHTTPClient(port: port).raw("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
            #expect(bad.status == 400 && bad.headers["connection"] == "close")

            let old = try await LoopbackHTTPClient(port: port).raw("GET /healthz HTTP/1.0\r\n\r\n")
            #expect(old.status == 200 && old.text == "ok\n" && old.headers["connection"] == "close")
            let kept = try LoopbackHTTPClient(port: port)
            #expect(try await kept.raw("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").headers["connection"] == "keep-alive")
            #expect(try await kept.raw("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status == 200)

            let client = try LoopbackHTTPClient(port: port)
            let empty = try await client.request("GET", "/empty")
            #expect(empty.status == 204 && empty.headers["content-length"] == nil && empty.headers["x-ok"] == "1")
            let unsafe = try await client.request("GET", "/unsafe")
            #expect(unsafe.status == 200 && unsafe.headers["x-good"] == "g")
            #expect(unsafe.headers["x-bad"] == nil && unsafe.headers["set-cookie"] == nil && unsafe.headers["bad name"] == nil)
        }
    }

    @Test func shutdownLetsARequestInProgressFinishAndCancelsStreams() async throws {
        let held = Mutex<HTTPResponder?>(nil)
        var router = HTTPRouter()
        router.add("GET", "/hold", direct: { _, respond in held.withLock { $0 = respond } })
        router.get("/forever") { _ in
            .streaming { writer in
                while true {
                    try await writer.write("tick\n")
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), router: router)
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            _ = try await LoopbackHTTPClient(port: port).readStream("/forever") { $0.contains("tick") }
            let client = try LoopbackHTTPClient(port: port)
            async let reply = client.request("GET", "/hold")
            while held.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
            await group.triggerGracefulShutdown()
            held.withLock { $0?(.text("done")) }
            #expect(try await reply.text == "done")
            try await tasks.waitForAll()  // the stream was cancelled, the held request answered
        }
    }

    @Test func requestTargetParsing() {
        let r = HTTPRequest(method: "get", target: "/a%2Fb?x=1&y=&x=2&flag")
        #expect(r.method == "GET" && r.path == "/a/b")
        #expect(r.query("x") == "1" && r.query("y") == "" && r.query("flag") == "")
        #expect(r.queryItems.count == 4)
    }
}
