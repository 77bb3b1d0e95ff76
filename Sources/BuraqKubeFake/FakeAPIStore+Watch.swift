import BuraqKube

extension FakeAPIStore {
    /// An open watch: its id (for bookmarks and ending it) and its events.
    public struct WatchSubscription: Sendable {
        public let id: Int
        public let messages: AsyncStream<WatchMessage>
    }

    /// Starts a watch. Without a resourceVersion (or `"0"`) it begins with `ADDED` for every matching
    /// object; from a resourceVersion it replays later changes, or throws 410 Expired when that
    /// version is older than the kept history.
    public func watch(_ resource: GroupVersionResource, namespace: String?, options: WatchOptions) throws -> WatchSubscription {
        let definition = try definition(resource)
        let labels = try options.labelSelector.map { try LabelSelector($0) }
        let fields = try options.fieldSelector.map { try LabelSelector($0) }
        let (messages, continuation) = AsyncStream.makeStream(of: WatchMessage.self)
        let watcher = Watcher(resource: resource, namespace: definition.namespaced ? namespace : nil, labelSelector: labels,
                              fieldSelector: fields, bookmarks: options.allowWatchBookmarks, continuation: continuation)
        let id = try state.withLock { state in
            switch options.resourceVersion {
            case nil, "", "0":
                let objects = state.objects[resource] ?? [:]
                for key in objects.keys.sorted() {
                    let object = objects[key]!
                    if Self.matches(object, namespace: watcher.namespace, labels: labels, fields: fields) {
                        continuation.yield(.event(WatchEvent(type: .added, object: object)))
                    }
                }
            case let text?:
                guard let from = Int(text) else {
                    throw KubeAPIError(code: 400, reason: "BadRequest", message: "invalid resource version: \(text)")
                }
                if from < state.compactedBelow {
                    throw KubeAPIError(code: 410, reason: "Expired",
                                       message: "too old resource version: \(from) (\(state.compactedBelow))")
                }
                for entry in state.history where entry.rv > from && entry.resource == resource {
                    if let event = Self.event(for: watcher, type: entry.type, object: entry.object, old: entry.old) {
                        continuation.yield(.event(event))
                    }
                }
            }
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = watcher
            return state.nextWatcherID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return WatchSubscription(id: id, messages: messages)
    }

    /// Sends a BOOKMARK with the current resourceVersion to a watch that asked for bookmarks.
    public func bookmark(_ id: Int) {
        state.withLock { state in
            guard let watcher = state.watchers[id], watcher.bookmarks else { return }
            let object: JSONValue = [
                "apiVersion": .string(watcher.resource.groupVersion),
                "kind": .string(state.definitions[watcher.resource]?.kind ?? ""),
                "metadata": ["resourceVersion": .string(String(state.resourceVersion))],
            ]
            watcher.continuation.yield(.event(WatchEvent(type: .bookmark, object: object)))
        }
    }

    /// Ends a watch normally (its timeout passed).
    public func endWatch(_ id: Int) {
        let watcher = state.withLock { $0.watchers.removeValue(forKey: id) }
        watcher?.continuation.finish()
    }

    /// How many watches are open.
    public var openWatches: Int {
        state.withLock { $0.watchers.count }
    }
}
