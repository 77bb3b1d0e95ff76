import BuraqKube
import Foundation
import NIOCore
import NIOHTTP1

/// Answers one HTTP request of the fake server: faults, authentication, discovery, resources, watches.
struct FakeAPIResponder {
    let server: FakeAPIServer
    let head: HTTPRequestHead
    let body: [UInt8]
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    var store: FakeAPIStore { server.store }

    /// Writes the answer; returns false when the connection must be closed (dropped).
    func respond() async throws -> Bool {
        let components = URLComponents(string: "http://fake" + head.uri)
        let path = components?.percentEncodedPath ?? head.uri
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let method = head.method.rawValue
        server.record("\(method) \(head.uri)")

        if let fault = server.faults.take(method: method, path: path) {
            switch fault {
            case .dropConnection:
                return false
            case .delay(let duration):
                try await Task.sleep(for: duration)
            case .status(let code, let retryAfter):
                let error = KubeAPIError(code: code, reason: KubeAPIError.defaultReason(code), message: "Injected fault: \(code)",
                                         retryAfterSeconds: retryAfter)
                try await write(error: error)
                return true
            }
        }

        if ["/healthz", "/readyz", "/livez"].contains(path) {
            try await write(status: .ok, bytes: Array("ok".utf8), contentType: "text/plain")
            return true
        }
        if let token = server.configuration.token, head.headers.first(name: "Authorization") != "Bearer \(token)" {
            try await write(error: KubeAPIError(code: 401, reason: "Unauthorized", message: "Unauthorized"))
            return true
        }
        do {
            return try await route(method: method, path: path, query: query)
        } catch let error as KubeAPIError {
            try await write(error: error)
            return true
        } catch is DecodingError {
            try await write(error: KubeAPIError(code: 400, reason: "BadRequest", message: "the request body is not valid JSON"))
            return true
        }
    }

    private func route(method: String, path: String, query: [String: String]) async throws -> Bool {
        let segments = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        switch (method, segments.first) {
        case ("GET", "version"):
            try await write(json: Discovery.version())
        case ("GET", "api") where segments.count == 1:
            try await write(json: Discovery.coreVersions(address: "\(server.configuration.host):\(server.port)"))
        case ("GET", "apis") where segments.count == 1:
            try await write(json: Discovery.groupList(store.definitions))
        case ("GET", "apis") where segments.count == 2:
            let definitions = store.definitions.filter { $0.gvr.group == segments[1] }
            guard !definitions.isEmpty else { throw notFound() }
            try await write(json: Discovery.group(named: segments[1], definitions))
        case ("GET", "api") where segments.count == 2, ("GET", "apis") where segments.count == 3:
            let group = segments.count == 3 ? segments[1] : ""
            let version = segments.last!
            let definitions = store.definitions.filter { $0.gvr.group == group && $0.gvr.version == version }
            guard !definitions.isEmpty else { throw notFound() }
            try await write(json: Discovery.resourceList(groupVersion: group.isEmpty ? version : "\(group)/\(version)", definitions))
        case ("GET", "openapi") where segments.count == 2 && segments[1] == "v3":
            try await write(json: Discovery.openAPIRoot(store.definitions))
        case ("GET", "openapi") where segments.count > 2 && segments[1] == "v3":
            let gv = segments[2...].joined(separator: "/")
            let definitions = store.definitions.filter { Discovery.openAPIPath($0.gvr) == gv }
            guard !definitions.isEmpty else { throw notFound() }
            try await write(json: Discovery.openAPIGroupVersion(definitions))
        case ("POST", "fake"):
            try await admin(segments.dropFirst().first ?? "")
        case ("GET", "fake") where segments.count == 2 && segments[1] == "requests":
            try await write(json: requestCounts())
        case (_, "api") where segments.count > 2:
            return try await resource(method: method, group: "", version: segments[1], Array(segments[2...]), query: query)
        case (_, "apis") where segments.count > 3:
            return try await resource(method: method, group: segments[1], version: segments[2], Array(segments[3...]), query: query)
        default:
            throw notFound()
        }
        return true
    }

    private func resource(method: String, group: String, version: String, _ path: [String], query: [String: String]) async throws -> Bool {
        var segments = path
        var namespace: String?
        if segments.first == "namespaces", segments.count >= 3 {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        let gvr = GroupVersionResource(group: group, version: version, resource: segments[0])
        let name = segments.count > 1 ? segments[1] : nil
        let subresource = segments.count > 2 ? segments[2] : nil
        guard segments.count <= 3 else { throw notFound() }

        switch (method, name) {
        case ("GET", nil):
            if query["watch"] == "1" || query["watch"] == "true" {
                return try await watch(gvr, namespace: namespace, query: query)
            }
            let options = ListOptions(labelSelector: query["labelSelector"], fieldSelector: query["fieldSelector"],
                                      limit: query["limit"].flatMap { Int($0) }, continueToken: query["continue"],
                                      resourceVersion: query["resourceVersion"])
            try await write(json: store.listDocument(gvr, namespace: namespace, options: options))
        case ("GET", let name?):
            try await write(json: store.get(gvr, namespace: namespace, name: name, subresource: subresource))
        case ("POST", nil):
            try await write(json: store.create(gvr, namespace: namespace, object: try JSONValue(parsing: body)), status: .created)
        case ("PUT", let name?):
            let object = try JSONValue(parsing: body)
            if let bodyName = object.name, bodyName != name {
                throw KubeAPIError(code: 400, reason: "BadRequest", message: "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
            }
            try await write(json: store.update(gvr, namespace: namespace, object: object, subresource: subresource))
        case ("PATCH", let name?):
            let patch = try parsePatch(query: query)
            try await write(json: store.patch(gvr, namespace: namespace, name: name, patch: patch, subresource: subresource))
        case ("DELETE", let name?):
            let options = body.isEmpty ? nil : try JSONValue(parsing: body).decode(DeleteOptions.self)
            try await write(json: store.delete(gvr, namespace: namespace, name: name, options: options))
        default:
            throw KubeAPIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
        return true
    }

    private func parsePatch(query: [String: String]) throws -> Patch {
        let contentType = head.headers.first(name: "Content-Type")?.split(separator: ";").first.map(String.init) ?? ""
        switch contentType {
        case "application/merge-patch+json", "application/strategic-merge-patch+json":
            return .merge(try JSONValue(parsing: body))
        case "application/json-patch+json":
            return .json(try JSONValue(parsing: body).decode([JSONPatchOperation].self))
        case "application/apply-patch+yaml":
            guard let value = try? JSONValue(parsing: body) else {
                throw KubeAPIError(code: 415, reason: "UnsupportedMediaType", message: "the fake server accepts apply patches written as JSON only")
            }
            return .apply(value, fieldManager: query["fieldManager"] ?? "", force: query["force"] == "true")
        default:
            throw KubeAPIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
    }

    // MARK: Watch

    private func watch(_ gvr: GroupVersionResource, namespace: String?, query: [String: String]) async throws -> Bool {
        let options = WatchOptions(labelSelector: query["labelSelector"], fieldSelector: query["fieldSelector"],
                                   resourceVersion: query["resourceVersion"], allowWatchBookmarks: query["allowWatchBookmarks"] == "true",
                                   timeoutSeconds: query["timeoutSeconds"].flatMap { Int($0) })
        let subscription: FakeAPIStore.WatchSubscription
        do {
            subscription = try store.watch(gvr, namespace: namespace, options: options)
        } catch let error as KubeAPIError where error.isExpired && !server.configuration.expiredWatchAsHTTPError {
            try await writeStreamHead()
            let event = WatchEvent(type: .error, object: try JSONValue(encoding: error.status))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: try event.serialized() + [10]))))
            try await outbound.write(.end(nil))
            return true
        }
        let id = subscription.id
        defer { store.endWatch(id) }
        try await writeStreamHead()
        server.watchStreaming(1)
        defer { server.watchStreaming(-1) }
        let store = self.store
        let interval = server.configuration.bookmarkInterval
        let lifetime = options.timeoutSeconds.map { Duration.seconds($0) } ?? server.configuration.maxWatchDuration
        let outbound = self.outbound
        let dropped = try await withThrowingTaskGroup(of: Void.self) { group in
            if options.allowWatchBookmarks {
                group.addTask {
                    while true {
                        try await Task.sleep(for: interval)
                        store.bookmark(id)
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: lifetime)
                store.endWatch(id)
            }
            var dropped = false
            for await message in subscription.messages {
                switch message {
                case .event(let event):
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: try event.serialized() + [10]))))
                case .drop:
                    dropped = true
                }
                if dropped { break }
            }
            group.cancelAll()
            return dropped
        }
        if dropped { return false }
        try await outbound.write(.end(nil))
        return true
    }

    private func writeStreamHead() async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
    }

    // MARK: Admin (fault injection over HTTP for the standalone server)

    /// `POST /fake/faults {"count":N,"status":503,"retryAfterSeconds":1,"delayMilliseconds":500,"drop":true,"method":"GET","pathPrefix":"/apis"}`,
    /// `POST /fake/compact`, `POST /fake/drop-watches`. (`GET /fake/requests`: ``requestCounts()``.)
    private func admin(_ action: String) async throws {
        switch action {
        case "faults":
            let spec = try JSONValue(parsing: body)
            let fault: Fault
            if spec["drop"]?.boolValue == true {
                fault = .dropConnection
            } else if let ms = spec["delayMilliseconds"]?.intValue {
                fault = .delay(.milliseconds(ms))
            } else {
                fault = .status(spec["status"]?.intValue ?? 500, retryAfterSeconds: spec["retryAfterSeconds"]?.intValue)
            }
            server.faults.inject(fault, count: spec["count"]?.intValue ?? 1, method: spec["method"]?.stringValue,
                                 pathPrefix: spec["pathPrefix"]?.stringValue)
        case "compact":
            store.compact()
        case "drop-watches":
            store.dropWatches()
        default:
            throw notFound()
        }
        try await write(json: ["kind": "Status", "apiVersion": "v1", "status": "Success", "code": 200])
    }

    /// `GET /fake/requests`: `{"total": N, "requests": {"get deployments/scale": n, ...}}` since
    /// the server started (``RequestTally``; `/fake/...` requests not counted).
    private func requestCounts() -> JSONValue {
        let counts = RequestTally.counts(of: server.requests)
        return ["total": .number(Double(counts.values.reduce(0, +))),
                "requests": .object(counts.mapValues { .number(Double($0)) })]
    }

    // MARK: Writing

    private func notFound() -> KubeAPIError {
        KubeAPIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    private func write(json: JSONValue, status: HTTPResponseStatus = .ok) async throws {
        try await write(status: status, bytes: try json.serialized(), contentType: "application/json")
    }

    private func write(error: KubeAPIError) async throws {
        var extra: [(String, String)] = []
        if let seconds = error.retryAfterSeconds { extra.append(("Retry-After", String(seconds))) }
        let body = try JSONValue(encoding: error.status).serialized()
        try await write(status: HTTPResponseStatus(statusCode: error.code), bytes: body, contentType: "application/json",
                        extraHeaders: extra)
    }

    private func write(status: HTTPResponseStatus, bytes: [UInt8], contentType: String,
                       extraHeaders: [(String, String)] = []) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(bytes.count))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
        try await outbound.write(.end(nil))
    }
}
