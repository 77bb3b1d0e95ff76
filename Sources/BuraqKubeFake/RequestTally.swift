/// Counts of the requests a fake server answered, named as the API server's audit log and
/// `apiserver_request_total` name them: verb, resource and subresource. `GET /fake/requests`
/// serves them, so a benchmark can tell which requests a controller sends and how many.
public enum RequestTally: Sendable {
    /// The name of a recorded request line (`METHOD /path?query`), or nil for the fake server's
    /// own `/fake/...` endpoints.
    ///
    /// Resource paths become `verb resource[/subresource]`: `get deployments/scale`,
    /// `update taskqueues/status`, `create events`, `list taskqueues`, `watch deployments`,
    /// `patch deployments/scale`, `delete pods`, `deletecollection pods`. Other paths keep their
    /// method and path: `GET /version`, `GET /apis/apps/v1`.
    public static func key(of line: String) -> String? {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return line }
        let method = String(parts[0])
        let target = parts[1].split(separator: "?", maxSplits: 1)
        let path = String(target[0])
        let query = target.count > 1 ? String(target[1]) : ""
        if path == "/fake" || path.hasPrefix("/fake/") { return nil }
        let segments = path.split(separator: "/").map(String.init)
        var rest: ArraySlice<String>
        switch segments.first {
        case "api" where segments.count > 2: rest = segments[2...]
        case "apis" where segments.count > 3: rest = segments[3...]
        default: return "\(method) \(path)"
        }
        if rest.first == "namespaces", rest.count >= 3 { rest = rest.dropFirst(2) }
        let resource = rest.first ?? ""
        let named = rest.count >= 2
        let subresource = rest.count >= 3 ? "/" + rest[rest.startIndex + 2] : ""
        return "\(verb(method: method, named: named, query: query)) \(resource)\(subresource)"
    }

    /// How many requests of each ``key(of:)`` the lines hold; `/fake/...` requests are left out.
    public static func counts(of lines: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in lines {
            if let key = key(of: line) { counts[key, default: 0] += 1 }
        }
        return counts
    }

    /// The Kubernetes verb of a request to a resource path.
    static func verb(method: String, named: Bool, query: String) -> String {
        switch method {
        case "GET":
            let watch = query.split(separator: "&").contains { $0 == "watch=true" || $0 == "watch=1" }
            return watch ? "watch" : named ? "get" : "list"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return named ? "delete" : "deletecollection"
        default: return method
        }
    }
}
