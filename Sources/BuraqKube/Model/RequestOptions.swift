/// Options of a LIST request.
public struct ListOptions: Sendable, Hashable {
    /// `app=web,tier!=db,env in (a,b),!legacy`.
    public var labelSelector: String?
    /// `metadata.name=x,metadata.namespace!=y`.
    public var fieldSelector: String?
    /// At most this many items per page; the response carries a continue token when there are more.
    public var limit: Int?
    /// The token of the previous page.
    public var continueToken: String?
    /// `"0"` lets the server answer from its cache; `nil` asks for the latest state.
    public var resourceVersion: String?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        return items
    }
}

/// Options of a WATCH request.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Events after this version; `nil` or `"0"` starts with synthetic `ADDED` events for what exists.
    public var resourceVersion: String?
    /// Ask for `BOOKMARK` events that move the resource version forward without a change.
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this many seconds.
    public var timeoutSeconds: Int?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
                allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "1")]
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// Options of a DELETE request.
public struct DeleteOptions: Sendable, Hashable, Codable {
    public var gracePeriodSeconds: Int?
    /// `Orphan`, `Background` or `Foreground`.
    public var propagationPolicy: String?
    public var preconditions: Preconditions?

    public struct Preconditions: Sendable, Hashable, Codable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public init(gracePeriodSeconds: Int? = nil, propagationPolicy: String? = nil, preconditions: Preconditions? = nil) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
    }
}

/// A PATCH body and its content type.
public enum Patch: Sendable, Hashable {
    /// JSON Merge Patch (RFC 7386): objects merge, `null` deletes, arrays replace.
    case merge(JSONValue)
    /// JSON Patch (RFC 6902).
    case json([JSONPatchOperation])
    /// Server-side apply (`application/apply-patch+yaml`; JSON is valid YAML).
    case apply(JSONValue, fieldManager: String, force: Bool)

    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }

    func body() throws -> [UInt8] {
        switch self {
        case .merge(let value), .apply(let value, _, _): try value.serialized()
        case .json(let ops): try JSONValue(encoding: ops).serialized()
        }
    }

    var queryItems: [(String, String)] {
        if case .apply(_, let manager, let force) = self {
            return [("fieldManager", manager)] + (force ? [("force", "true")] : [])
        }
        return []
    }
}
