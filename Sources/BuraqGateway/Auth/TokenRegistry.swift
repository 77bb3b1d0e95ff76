import Foundation

/// The bearer tokens the gateway accepts, each with a scope and a client name (used for rate
/// limiting and logs; never the token itself).
///
/// Token file (`--token-file`): one token per line, `TOKEN SCOPE [NAME]`, scope `read` or
/// `write`; blank lines and lines starting with `#` are skipped.
/// Environment (`BURAQ_GATEWAY_TOKENS`): comma-separated `TOKEN:SCOPE[:NAME]`.
public struct TokenRegistry: Sendable, Hashable {
    /// One accepted token.
    public struct Entry: Sendable, Hashable {
        public var token: String
        public var scope: AccessScope
        public var name: String

        public init(token: String, scope: AccessScope, name: String) {
            self.token = token
            self.scope = scope
            self.name = name
        }
    }

    private var byToken: [String: Entry] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { byToken[entry.token] = entry }
    }

    /// True when no token is configured.
    public var isEmpty: Bool { byToken.isEmpty }
    /// How many tokens are configured.
    public var count: Int { byToken.count }

    /// The entry for `token`, if it is accepted.
    public func lookup(_ token: String) -> Entry? { byToken[token] }

    /// Adds entries, replacing those with the same token.
    public mutating func merge(_ other: TokenRegistry) {
        for (token, entry) in other.byToken { byToken[token] = entry }
    }

    /// Reads a token file's text; `file` names it in errors.
    /// - Throws: ``GatewayConfigurationError`` naming the file, line and what was expected.
    public static func parseFile(_ text: String, file: String) throws(GatewayConfigurationError) -> TokenRegistry {
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let place = "\(file):\(index + 1)"
            guard words.count == 2 || words.count == 3 else {
                throw GatewayConfigurationError("\(place): expected 'TOKEN SCOPE [NAME]', got \(words.count) words")
            }
            entries.append(try entry(token: words[0], scope: words[1], name: words.count == 3 ? words[2] : nil, place: place))
        }
        return TokenRegistry(entries)
    }

    /// Reads the `BURAQ_GATEWAY_TOKENS` form.
    public static func parseList(_ text: String, source: String = "BURAQ_GATEWAY_TOKENS") throws(GatewayConfigurationError) -> TokenRegistry {
        var entries: [Entry] = []
        for (index, item) in text.split(separator: ",").enumerated() {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let place = "\(source) item \(index + 1)"
            guard parts.count == 2 || parts.count == 3 else {
                throw GatewayConfigurationError("\(place): expected 'TOKEN:SCOPE[:NAME]'")
            }
            entries.append(try entry(token: parts[0], scope: parts[1], name: parts.count == 3 ? parts[2] : nil, place: place))
        }
        return TokenRegistry(entries)
    }

    private static func entry(token: String, scope: String, name: String?, place: String) throws(GatewayConfigurationError) -> Entry {
        guard token.utf8.count >= 8 else { throw GatewayConfigurationError("\(place): a token must be at least 8 characters") }
        guard let scope = AccessScope(rawValue: scope) else {
            throw GatewayConfigurationError("\(place): scope must be 'read' or 'write', got '\(scope)'")
        }
        // The default name shows only the token's start, so logs never carry a whole token.
        return Entry(token: token, scope: scope, name: name ?? "token-\(token.prefix(4))…")
    }
}

/// A problem in the gateway's flags, environment or files.
public struct GatewayConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
