import BuraqKube

/// ``KubernetesAPI`` in memory, on a ``FakeAPIStore``: the API server's semantics without HTTP,
/// for controller tests that need no sockets.
///
/// Faults: `.status` faults throw the ``KubeAPIError``, `.delay` sleeps, `.dropConnection` throws
/// a ``KubeClientError`` with code `connectionDropped`. Watches that ask for bookmarks get one every
/// `bookmarkInterval`, and end after their `timeoutSeconds`, as on the HTTP server.
public struct InMemoryKubernetesAPI: KubernetesAPI {
    public let store: FakeAPIStore
    public let faults: FaultInjector
    public let bookmarkInterval: Duration

    public init(store: FakeAPIStore = FakeAPIStore(), faults: FaultInjector = FaultInjector(),
                bookmarkInterval: Duration = .seconds(1)) {
        self.store = store
        self.faults = faults
        self.bookmarkInterval = bookmarkInterval
    }

    public func get(_ resource: GroupVersionResource, namespace: String?, name: String, subresource: String?) async throws -> JSONValue {
        try await fault("GET", resource.path(namespace: namespace, name: name, subresource: subresource))
        return try store.get(resource, namespace: namespace, name: name, subresource: subresource)
    }

    public func list(_ resource: GroupVersionResource, namespace: String?, options: ListOptions) async throws -> ObjectList {
        try await fault("GET", resource.path(namespace: namespace))
        return try store.list(resource, namespace: namespace, options: options)
    }

    public func watch(_ resource: GroupVersionResource, namespace: String?, options: WatchOptions) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>
    {
        try await fault("GET", resource.path(namespace: namespace))
        let subscription: FakeAPIStore.WatchSubscription
        do {
            subscription = try store.watch(resource, namespace: namespace, options: options)
        } catch let error as KubeAPIError where error.isExpired {
            // As the real server does: a stream with one ERROR event.
            let event = WatchEvent(type: .error, object: try JSONValue(encoding: error.status))
            return AsyncThrowingStream { continuation in
                continuation.yield(event)
                continuation.finish()
            }
        }
        let store = self.store
        let id = subscription.id
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchEvent.self)
        let interval = bookmarkInterval
        let timers = Task {
            await withTaskGroup(of: Void.self) { group in
                if options.allowWatchBookmarks {
                    group.addTask {
                        while (try? await Task.sleep(for: interval)) != nil { store.bookmark(id) }
                    }
                }
                if let seconds = options.timeoutSeconds {
                    group.addTask {
                        if (try? await Task.sleep(for: .seconds(seconds))) != nil { store.endWatch(id) }
                    }
                }
            }
        }
        let forward = Task {
            defer { timers.cancel() }
            for await message in subscription.messages {
                switch message {
                case .event(let event): continuation.yield(event)
                case .drop:
                    continuation.finish(throwing: KubeClientError(.connectionDropped, "Watch connection dropped"))
                    return
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            forward.cancel()
            timers.cancel()
            store.endWatch(id)
        }
        return stream
    }

    public func create(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) async throws -> JSONValue {
        try await fault("POST", resource.path(namespace: namespace))
        return try store.create(resource, namespace: namespace, object: object)
    }

    public func update(_ resource: GroupVersionResource, namespace: String?, object: JSONValue, subresource: String?) async throws -> JSONValue {
        try await fault("PUT", resource.path(namespace: namespace, name: object.name ?? "", subresource: subresource))
        return try store.update(resource, namespace: namespace, object: object, subresource: subresource)
    }

    public func patch(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch,
                      subresource: String?) async throws -> JSONValue {
        try await fault("PATCH", resource.path(namespace: namespace, name: name, subresource: subresource))
        return try store.patch(resource, namespace: namespace, name: name, patch: patch, subresource: subresource)
    }

    public func delete(_ resource: GroupVersionResource, namespace: String?, name: String, options: DeleteOptions?) async throws -> JSONValue {
        try await fault("DELETE", resource.path(namespace: namespace, name: name))
        return try store.delete(resource, namespace: namespace, name: name, options: options)
    }

    private func fault(_ method: String, _ path: String) async throws {
        guard let fault = faults.take(method: method, path: path) else { return }
        switch fault {
        case .status(let code, let retryAfter):
            throw KubeAPIError(code: code, reason: KubeAPIError.defaultReason(code), message: "Injected fault: \(code)",
                               retryAfterSeconds: retryAfter, request: "\(method) \(path)")
        case .delay(let duration):
            try await Task.sleep(for: duration)
        case .dropConnection:
            throw KubeClientError(.connectionDropped, "Injected dropped connection", context: ["request": "\(method) \(path)"])
        }
    }
}
