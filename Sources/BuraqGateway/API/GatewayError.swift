import BuraqHTTP
import BuraqQueue
import Foundation

/// An error the gateway answers with: an HTTP status, a stable code, a message for people and,
/// for bad input, the JSON field at fault (e.g. `tasks[3].delaySeconds`).
///
/// Rendered as `{"error": {"code": ..., "message": ..., "field": ...}}`.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds a client should wait before trying again (sent as `Retry-After`).
    public var retryAfterSeconds: Int?

    public init(status: Int, code: String, message: String, field: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status) \(code): \(message)" + (field.map { " (field \($0))" } ?? "") }

    /// 400: a field is missing, of the wrong type or out of range.
    public static func invalidField(_ field: String, _ message: String) -> GatewayError {
        GatewayError(status: 400, code: "invalidField", message: message, field: field)
    }

    /// 404: the named thing does not exist.
    public static func notFound(_ message: String) -> GatewayError {
        GatewayError(status: 404, code: "notFound", message: message)
    }

    /// The error for a failed queue operation: 400 for bad arguments, 409 for a key of another
    /// type, 503 when Redis cannot be reached (clients may retry), 502 otherwise.
    public static func queue(_ error: QueueError) -> GatewayError {
        switch error.code {
        case .invalidArgument: return GatewayError(status: 400, code: "invalidArgument", message: error.message, field: error.context["field"])
        case .wrongType: return GatewayError(status: 409, code: "wrongType", message: error.message)
        default:
            if let redis = error.redis, redis.isTransient {
                return GatewayError(status: 503, code: "redisUnavailable", message: "Redis is unavailable: \(redis.message)", retryAfterSeconds: 1)
            }
            return GatewayError(status: 502, code: "redisError", message: error.message)
        }
    }

    /// The JSON response.
    public var response: HTTPResponse {
        var body: [String: Any] = ["code": code, "message": message]
        if let field { body["field"] = field }
        var response = HTTPResponse.json(JSONBody.object(["error": body]), status: status)
        if let retryAfterSeconds { response.headers.append(("Retry-After", "\(retryAfterSeconds)")) }
        if status == 401 { response.headers.append(("WWW-Authenticate", "Bearer realm=\"buraq\"")) }
        return response
    }
}
