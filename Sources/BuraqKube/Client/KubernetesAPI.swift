/// Everything Buraq asks of the Kubernetes API server.
///
/// ``KubeClient`` implements it over HTTP (libcurl); `InMemoryKubernetesAPI` in `BuraqKubeFake`
/// implements it in memory with the API server's semantics, for tests. Objects travel as
/// ``JSONValue`` so unknown fields survive a read-modify-write; typed helpers in the extension
/// below (``getScale(deployment:namespace:)``, ``getLease(name:namespace:)``, ...) decode views.
///
/// `namespace == nil` addresses cluster-scoped resources, or all namespaces for list and watch.
/// `subresource` is `"status"`, `"scale"` or `nil` for the object itself. Failures are
/// ``KubeAPIError`` (the server's `metav1.Status`) or ``KubeClientError`` (transport).
public protocol KubernetesAPI: Sendable {
    func get(_ resource: GroupVersionResource, namespace: String?, name: String, subresource: String?) async throws -> JSONValue
    func list(_ resource: GroupVersionResource, namespace: String?, options: ListOptions) async throws -> ObjectList
    /// LIST with `transform` applied to every item. ``KubeClient`` applies it while it parses the
    /// response, so a large list never exists whole in memory; the default lists, then maps.
    func list(
        _ resource: GroupVersionResource, namespace: String?, options: ListOptions,
        transformingItems transform: @escaping @Sendable (JSONValue) -> JSONValue
    ) async throws -> ObjectList
    /// Starts a watch; throws at once if the server refuses it (HTTP 410 for an expired version, say).
    /// The stream yields events as they arrive and ends when the server closes the watch.
    func watch(_ resource: GroupVersionResource, namespace: String?, options: WatchOptions) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>
    func create(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) async throws -> JSONValue
    /// PUT: the object's `metadata.resourceVersion` must be current, else 409 Conflict (``KubeAPIError/isConflict``).
    func update(_ resource: GroupVersionResource, namespace: String?, object: JSONValue, subresource: String?) async throws -> JSONValue
    func patch(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch, subresource: String?) async throws -> JSONValue
    /// Returns the deleted object (or the server's `Status`).
    func delete(_ resource: GroupVersionResource, namespace: String?, name: String, options: DeleteOptions?) async throws -> JSONValue
}

extension KubernetesAPI {
    public func get(_ resource: GroupVersionResource, namespace: String?, name: String) async throws -> JSONValue {
        try await get(resource, namespace: namespace, name: name, subresource: nil)
    }

    /// GET decoded as `T`.
    public func get<T: Decodable>(_ type: T.Type, _ resource: GroupVersionResource, namespace: String?, name: String,
                                  subresource: String? = nil) async throws -> T {
        try await get(resource, namespace: namespace, name: name, subresource: subresource).decode(T.self)
    }

    public func list(_ resource: GroupVersionResource, namespace: String?) async throws -> ObjectList {
        try await list(resource, namespace: namespace, options: ListOptions())
    }

    public func list(
        _ resource: GroupVersionResource, namespace: String?, options: ListOptions,
        transformingItems transform: @escaping @Sendable (JSONValue) -> JSONValue
    ) async throws -> ObjectList {
        var list = try await list(resource, namespace: namespace, options: options)
        list.items = list.items.map(transform)
        return list
    }

    /// Every item, following `continue` tokens page by page; `transform`, when given, is applied
    /// to each item as ``list(_:namespace:options:transformingItems:)`` does.
    public func listAll(
        _ resource: GroupVersionResource, namespace: String?, options: ListOptions = ListOptions(),
        transformingItems transform: (@Sendable (JSONValue) -> JSONValue)? = nil
    ) async throws -> ObjectList {
        var options = options
        func page(_ options: ListOptions) async throws -> ObjectList {
            if let transform { return try await list(resource, namespace: namespace, options: options, transformingItems: transform) }
            return try await list(resource, namespace: namespace, options: options)
        }
        var current = try await page(options)
        var items = current.items
        while let token = current.continueToken {
            options.continueToken = token
            options.resourceVersion = nil  // a continue token carries its own version
            current = try await page(options)
            items += current.items
        }
        return ObjectList(items: items, resourceVersion: current.resourceVersion)
    }

    public func update(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) async throws -> JSONValue {
        try await update(resource, namespace: namespace, object: object, subresource: nil)
    }

    public func patch(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch) async throws -> JSONValue {
        try await self.patch(resource, namespace: namespace, name: name, patch: patch, subresource: nil)
    }

    public func delete(_ resource: GroupVersionResource, namespace: String?, name: String) async throws -> JSONValue {
        try await delete(resource, namespace: namespace, name: name, options: nil)
    }

    // MARK: Status subresource

    /// PUT `/status`: only `.status` of `object` is written; its resourceVersion must be current.
    public func updateStatus(_ resource: GroupVersionResource, namespace: String?, object: JSONValue) async throws -> JSONValue {
        try await update(resource, namespace: namespace, object: object, subresource: "status")
    }

    /// PATCH `/status` with a merge patch such as `{"status": {...}}`.
    public func patchStatus(_ resource: GroupVersionResource, namespace: String?, name: String, patch: Patch) async throws -> JSONValue {
        try await self.patch(resource, namespace: namespace, name: name, patch: patch, subresource: "status")
    }

    // MARK: Scale subresource

    /// GET `deployments/NAME/scale` (or any resource's `/scale`).
    public func getScale(_ resource: GroupVersionResource = .deployments, name: String, namespace: String) async throws -> Scale {
        try await get(resource, namespace: namespace, name: name, subresource: "scale").decode(Scale.self)
    }

    public func getScale(deployment name: String, namespace: String) async throws -> Scale {
        try await getScale(.deployments, name: name, namespace: namespace)
    }

    /// Merge-patches `spec.replicas` on `/scale`. With `resourceVersion`, the patch only applies if the
    /// object is still at that version (else 409 Conflict): the guard the HPA uses.
    public func patchScale(_ resource: GroupVersionResource = .deployments, name: String, namespace: String,
                           replicas: Int, resourceVersion: String? = nil) async throws -> Scale {
        var body: JSONValue = ["spec": ["replicas": .number(Double(replicas))]]
        if let resourceVersion { body["metadata"] = ["resourceVersion": .string(resourceVersion)] }
        return try await patch(resource, namespace: namespace, name: name, patch: .merge(body), subresource: "scale")
            .decode(Scale.self)
    }

    /// PUT `/scale` with the scale's resourceVersion (409 when stale).
    public func updateScale(_ resource: GroupVersionResource = .deployments, _ scale: Scale) async throws -> Scale {
        try await update(resource, namespace: scale.metadata.namespace, object: JSONValue(encoding: scale), subresource: "scale")
            .decode(Scale.self)
    }

    // MARK: Leases

    public func getLease(name: String, namespace: String) async throws -> Lease {
        let value = try await get(.leases, namespace: namespace, name: name)
        return try value.decode(Lease.self).with(raw: value)
    }

    public func createLease(_ lease: Lease) async throws -> Lease {
        let stored = try await create(.leases, namespace: lease.metadata.namespace, object: JSONValue(encoding: lease))
        return try stored.decode(Lease.self).with(raw: stored)
    }

    /// PUT with the lease's resourceVersion: 409 Conflict when another holder wrote first.
    /// The typed fields are written over ``Lease/raw``, so unknown fields survive.
    public func updateLease(_ lease: Lease) async throws -> Lease {
        let typed = try JSONValue(encoding: lease)
        let body = lease.raw.map { $0.merging(patch: typed) } ?? typed
        let stored = try await update(.leases, namespace: lease.metadata.namespace, object: body)
        return try stored.decode(Lease.self).with(raw: stored)
    }


    // MARK: Events

    /// Creates an `events.k8s.io/v1` Event.
    public func createEvent(_ event: Event) async throws -> Event {
        try await create(.events, namespace: event.metadata.namespace, object: JSONValue(encoding: event)).decode(Event.self)
    }
}
