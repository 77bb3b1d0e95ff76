import BuraqBase
import FoundationEssentials

/// One HTTP request as a handler sees it: the whole body already read.
public struct HTTPRequest: Sendable {
    /// The method in upper case, e.g. `GET`.
    public var method: String
    /// The path without the query, percent-decoded, e.g. `/metrics`.
    public var path: String
    /// Query parameters in order, percent-decoded (`+` is a space).
    public var queryItems: [(name: String, value: String)]
    /// Header fields in the order received.
    public var headers: [(name: String, value: String)]
    /// The request body.
    public var body: [UInt8]
    /// Values of the `{name}` segments of the route pattern that matched (set by ``HTTPRouter``).
    public var pathParameters: [String: String] = [:]
    /// The peer's IP address, when the server knows it.
    public var remoteAddress: String?

    public init(method: String, path: String, queryItems: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
    }

    /// Builds a request from a request target such as `/tasks?queue=a&n=2`.
    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        // Bytes, not characters: no grapheme breaking for an ASCII request target.
        let question = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = target[..<(question ?? target.endIndex)]
        var items: [(name: String, value: String)] = []
        if let question {
            for pair in target[target.index(after: question)...].split(separator: "&") where !pair.isEmpty {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                items.append((Self.decode(kv[0], plus: true), kv.count > 1 ? Self.decode(kv[1], plus: true) : ""))
            }
        }
        // Methods arrive in upper case: no new string for them.
        let upper = method.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ? method.uppercased() : method
        self.init(method: upper, path: Self.decode(rawPath, plus: false), queryItems: items, headers: headers, body: body)
    }

    /// The value of path parameter `name` (see ``HTTPRouter``), or an empty string.
    public func parameter(_ name: String) -> String { pathParameters[name] ?? "" }

    /// The first value of query parameter `name`.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    private static func decode(_ text: Substring, plus: Bool) -> String {
        // Most paths and values need no decoding: skip the work for them.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plus && $0 == UInt8(ascii: "+")) }) { return String(text) }
        let s = plus ? String(text).replacing("+", with: " ") : String(text)
        return PercentEncoding.decode(s) ?? s
    }
}
