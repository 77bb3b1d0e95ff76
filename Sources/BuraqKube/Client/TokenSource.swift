import BuraqBase
import FoundationEssentials
import Synchronization

/// Produces the `Authorization` header value; re-reads token files when they are due.
final class TokenSource: Sendable {
    private let credentials: Credentials
    private let cache = Mutex<(value: String?, readAt: ContinuousClock.Instant?)>((nil, nil))

    init(_ credentials: Credentials) {
        self.credentials = credentials
    }

    func authorization() throws -> String? {
        switch credentials {
        case .none:
            return nil
        case .token(let token):
            return "Bearer \(token)"
        case .basic(let user, let password):
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .tokenFile(let path, let refresh):
            let now = ContinuousClock.now
            if let value = cache.withLock({ c in c.readAt.map { now - $0 < refresh } == true ? c.value : nil }) {
                return "Bearer \(value)"
            }
            let token = try Self.read(path)
            cache.withLock { $0 = (token, now) }
            return "Bearer \(token)"
        }
    }

    /// Forces the next request to read the token file again (after a 401).
    func invalidate() {
        cache.withLock { $0 = (nil, nil) }
    }

    static func read(_ path: String) throws -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmedWhitespace
        } catch {
            throw KubeClientError(.invalidConfiguration, "Cannot read token file: \(error)",
                                  context: ["file": path])
        }
    }
}
