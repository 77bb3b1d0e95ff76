/// A non-2xx answer of the API server, decoded from its `metav1.Status` body.
///
/// `reason` is the machine-readable `StatusReason` (`NotFound`, `Conflict`, `AlreadyExists`,
/// `Expired`, `TooManyRequests`, ...); ``isConflict`` and friends test the usual cases.
public struct KubeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code (the body's `code` when the server set one).
    public var code: Int
    public var reason: String
    public var message: String
    public var details: StatusDetails?
    /// Seconds from `Retry-After` (or `details.retryAfterSeconds`), when the server asked to wait.
    public var retryAfterSeconds: Int?
    /// The request: method and path.
    public var request: String?

    public init(code: Int, reason: String, message: String, details: StatusDetails? = nil,
                retryAfterSeconds: Int? = nil, request: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds ?? details?.retryAfterSeconds
        self.request = request
    }

    public init(status: Status, httpCode: Int, retryAfterSeconds: Int? = nil, request: String? = nil) {
        let code = status.code ?? httpCode
        self.init(code: code, reason: status.reason ?? Self.defaultReason(code), message: status.message ?? "",
                  details: status.details, retryAfterSeconds: retryAfterSeconds, request: request)
    }

    /// The `metav1.Status` body that carries this error.
    public var status: Status { Status(code: code, reason: reason, message: message, details: details) }

    /// 404 NotFound.
    public var isNotFound: Bool { code == 404 }
    /// 409 Conflict: an update carried a stale resourceVersion (GET again, reapply, retry).
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    /// 409 AlreadyExists: a create named an existing object.
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410 Gone or reason `Expired`: the resourceVersion is too old; relist.
    public var isExpired: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    /// 401 Unauthorized.
    public var isUnauthorized: Bool { code == 401 }
    /// 403 Forbidden.
    public var isForbidden: Bool { code == 403 }
    /// 422 Invalid.
    public var isInvalid: Bool { code == 422 }
    /// 429, 500, 503 and 504: worth retrying after a backoff.
    public var isRetryable: Bool { [429, 500, 503, 504].contains(code) }

    public var description: String {
        var text = "\(code) \(reason): \(message)"
        if let request { text += " (\(request))" }
        return text
    }

    /// The `StatusReason` the API server uses for an HTTP code.
    public static func defaultReason(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}
