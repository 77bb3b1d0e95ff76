/// Where and how to connect to Redis.
///
/// Built from a URL: `redis://[[user]:password@]host[:port][/database]`, or
/// `unix:///path/to/redis.sock[?db=N]`. Query options on either form: `connectTimeout` and
/// `commandTimeout` in milliseconds. `rediss://` (TLS) is rejected: Debian's hiredis 0.14 has no TLS.
public struct RedisConfiguration: Sendable, Hashable {
    /// Where the server listens.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    /// ACL user name for `AUTH user password`; nil uses `AUTH password` (the default user).
    public var username: String?
    public var password: String?
    /// Database index selected after connecting (SELECT).
    public var database: Int
    /// Time allowed to open a connection.
    public var connectTimeout: Duration
    /// Time allowed for one reply (a blocking command adds its own block time to this).
    public var commandTimeout: Duration
    /// Longest wait between reconnect attempts; waits grow exponentially with jitter up to this.
    public var maxReconnectDelay: Duration

    public init(
        endpoint: Endpoint = .tcp(host: "127.0.0.1", port: 6379),
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        maxReconnectDelay: Duration = .seconds(2)
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maxReconnectDelay = maxReconnectDelay
    }

    /// Parses a `redis://` or `unix://` URL; a bare `host:port` is accepted too.
    public init(url: String) throws(RedisError) {
        self.init()
        var rest = Substring(url.trimmingCharacters(in: " \t\n"))
        func invalid(_ why: String) -> RedisError {
            RedisError(code: .invalidConfiguration, message: "Invalid Redis URL '\(url)': \(why)", context: ["url": url])
        }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        if rest.hasPrefix("rediss://") {
            throw invalid("TLS (rediss://) is not supported by the hiredis 0.14 this build links; use a TLS proxy such as stunnel")
        }
        if rest.hasPrefix("unix://") {
            let path = rest.dropFirst("unix://".count)
            guard path.hasPrefix("/") else { throw invalid("expected an absolute socket path after unix://") }
            endpoint = .unixSocket(path: String(path))
        } else {
            if rest.hasPrefix("redis://") {
                rest = rest.dropFirst("redis://".count)
            } else if rest.contains("://") {
                throw invalid("expected scheme redis://, unix:// or a bare host:port")
            }
            if let at = rest.lastIndex(of: "@") {
                let userinfo = rest[..<at]
                rest = rest[rest.index(after: at)...]
                if let colon = userinfo.firstIndex(of: ":") {
                    let user = String(userinfo[..<colon])
                    username = user.isEmpty ? nil : percentDecoded(user)
                    password = percentDecoded(String(userinfo[userinfo.index(after: colon)...]))
                } else if !userinfo.isEmpty {
                    // redis://secret@host: a password alone, as redis-cli and most clients read it.
                    password = percentDecoded(String(userinfo))
                }
            }
            var hostPort = rest
            if let slash = rest.firstIndex(of: "/") {
                hostPort = rest[..<slash]
                let db = rest[rest.index(after: slash)...]
                if !db.isEmpty {
                    guard let n = Int(db), n >= 0 else { throw invalid("database must be a non-negative integer, got '\(db)'") }
                    database = n
                }
            }
            var host = "127.0.0.1"
            var port = 6379
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unclosed '[' in IPv6 address") }
                host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
                let after = hostPort[hostPort.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw invalid("port must be 1-65535") }
                    port = p
                }
            } else if let colon = hostPort.lastIndex(of: ":") {
                if colon != hostPort.startIndex { host = String(hostPort[..<colon]) }
                guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                    throw invalid("port must be 1-65535")
                }
                port = p
            } else if !hostPort.isEmpty {
                host = String(hostPort)
            }
            endpoint = .tcp(host: host, port: port)
        }
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw invalid("query option '\(pair)' must be name=value") }
            switch kv[0] {
            case "db":
                guard let n = Int(kv[1]), n >= 0 else { throw invalid("db must be a non-negative integer") }
                database = n
            case "connectTimeout":
                guard let ms = Int(kv[1]), ms > 0 else { throw invalid("connectTimeout must be milliseconds > 0") }
                connectTimeout = .milliseconds(ms)
            case "commandTimeout":
                guard let ms = Int(kv[1]), ms > 0 else { throw invalid("commandTimeout must be milliseconds > 0") }
                commandTimeout = .milliseconds(ms)
            default:
                throw invalid("unknown query option '\(kv[0])' (known: db, connectTimeout, commandTimeout)")
            }
        }
    }

    /// The address without credentials, for logs.
    public var displayAddress: String {
        switch endpoint {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)/\(database)" : "\(host):\(port)/\(database)"
        case .unixSocket(let path): return "unix://\(path)?db=\(database)"
        }
    }
}

private func percentDecoded(_ s: String) -> String {
    guard s.contains("%") else { return s }
    var out: [UInt8] = []
    var bytes = Array(s.utf8)[...]
    while let b = bytes.popFirst() {
        if b == UInt8(ascii: "%"), bytes.count >= 2,
           let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
            out.append(v)
            bytes = bytes.dropFirst(2)
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, at least 1.
    var wholeMilliseconds: Int {
        let (s, atto) = components
        return max(1, Int(s) * 1000 + Int(atto / 1_000_000_000_000_000))
    }
}
