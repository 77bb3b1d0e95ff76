/// A Lua script run with EVALSHA; ``RedisClient`` loads it once per server (SCRIPT LOAD) and
/// loads it again when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
public struct RedisScript: Sendable, Hashable {
    /// A short name for logs and errors.
    public let name: String
    /// The Lua source.
    public let source: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}
