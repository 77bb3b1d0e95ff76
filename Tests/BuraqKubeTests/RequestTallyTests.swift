import BuraqKube
import BuraqKubeFake
import Testing

@Suite("RequestTally: the fake server's request counts by verb and resource")
struct RequestTallyTests {
    @Test(arguments: [
        ("GET /apis/apps/v1/namespaces/default/deployments/w-7/scale", "get deployments/scale"),
        ("PATCH /apis/apps/v1/namespaces/default/deployments/w-7/scale", "patch deployments/scale"),
        ("PUT /apis/buraq.dev/v1alpha1/namespaces/default/taskqueues/q-1/status", "update taskqueues/status"),
        ("POST /api/v1/namespaces/default/events", "create events"),
        ("GET /apis/buraq.dev/v1alpha1/taskqueues?limit=500", "list taskqueues"),
        ("GET /apis/apps/v1/deployments?watch=true&resourceVersion=12&allowWatchBookmarks=true", "watch deployments"),
        ("GET /apis/apps/v1/deployments?allowWatchBookmarks=true&watch=1", "watch deployments"),
        ("GET /api/v1/namespaces/default", "get namespaces"),
        ("GET /api/v1/namespaces", "list namespaces"),
        ("DELETE /api/v1/namespaces/default/pods/p", "delete pods"),
        ("DELETE /api/v1/namespaces/default/pods", "deletecollection pods"),
        ("GET /version", "GET /version"),
        ("GET /apis/apps/v1", "GET /apis/apps/v1"),
    ])
    func key(line: String, expected: String) {
        #expect(RequestTally.key(of: line) == expected)
    }

    @Test func theFakeServersOwnEndpointsAreNotCounted() {
        #expect(RequestTally.key(of: "GET /fake/requests") == nil)
        #expect(RequestTally.key(of: "POST /fake/faults") == nil)
        let counts = RequestTally.counts(of: [
            "GET /apis/apps/v1/namespaces/default/deployments/a/scale", "GET /fake/requests",
            "GET /apis/apps/v1/namespaces/default/deployments/b/scale", "POST /api/v1/namespaces/default/events",
        ])
        #expect(counts == ["get deployments/scale": 2, "create events": 1])
    }

    @Test func servedOverHTTP() async throws {
        try await withFakeServer { server, client in
            _ = try await client.create(.deployments, namespace: "default", object: deployment("web"))
            _ = try await client.get(.deployments, namespace: "default", name: "web")
            _ = try await client.get(.deployments, namespace: "default", name: "web")
            let transport = CurlTransport(baseURL: server.url)
            defer { transport.shutdown() }
            let response = try await transport.send(HTTPRequest(method: "GET", target: "/fake/requests"))
            #expect(response.status == 200)
            let body = try JSONValue(parsing: response.body)
            #expect((body["total"]?.intValue ?? 0) >= 3)  // and whatever else the client sent
            #expect(body["requests"]?["get deployments"]?.intValue == 2)
            #expect(body["requests"]?["create deployments"]?.intValue == 1)
        }
    }
}
