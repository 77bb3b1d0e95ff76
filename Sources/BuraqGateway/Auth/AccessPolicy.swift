import Foundation
import BuraqHTTP

/// Decides who may call what: bearer tokens (``TokenRegistry``) with a scope, and what
/// anonymous callers may do.
///
/// - No `Authorization` header: anonymous; reads are allowed when ``anonymousReads`` (by
///   default: when no token is configured), writes only with ``anonymousWrites``; otherwise 401.
/// - A token that is not configured: 401. A read token on a write endpoint: 403.
public struct AccessPolicy: Sendable {
    /// Who made a request.
    public struct Caller: Sendable, Hashable {
        /// The token's name, or `anonymous@ADDRESS`.
        public var name: String
        public var scope: AccessScope?
    }

    public var tokens: TokenRegistry
    public var anonymousReads: Bool
    public var anonymousWrites: Bool

    public init(tokens: TokenRegistry, anonymousReads: Bool? = nil, anonymousWrites: Bool = false) {
        self.tokens = tokens
        self.anonymousReads = anonymousReads ?? tokens.isEmpty
        self.anonymousWrites = anonymousWrites
    }

    /// The caller when it may use an endpoint that needs `scope`, else the 401 or 403 to answer.
    /// The token comes from `Authorization: Bearer ...`, or for Server-Sent Events (browsers
    /// cannot set headers there) from the `access_token` query parameter.
    public func authorize(_ request: HTTPRequest, needs scope: AccessScope) -> Result<Caller, GatewayError> {
        let token: String?
        if let header = request.header("Authorization") {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                return .failure(GatewayError(status: 401, code: "unauthorized", message: "Authorization must be 'Bearer TOKEN'"))
            }
            token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        } else {
            token = request.query("access_token")
        }
        guard let token else {
            let anonymous = Caller(name: "anonymous@\(request.remoteAddress ?? "unknown")", scope: nil)
            switch scope {
            case .read where anonymousReads || anonymousWrites: return .success(anonymous)
            case .write where anonymousWrites: return .success(anonymous)
            default:
                return .failure(GatewayError(status: 401, code: "unauthorized", message: "A bearer token with scope '\(scope.rawValue)' is required"))
            }
        }
        guard let entry = tokens.lookup(token) else {
            return .failure(GatewayError(status: 401, code: "unauthorized", message: "The bearer token is not valid"))
        }
        guard entry.scope >= scope else {
            return .failure(GatewayError(status: 403, code: "forbidden",
                                         message: "Token '\(entry.name)' has scope '\(entry.scope.rawValue)'; this needs '\(scope.rawValue)'"))
        }
        return .success(Caller(name: entry.name, scope: entry.scope))
    }
}
