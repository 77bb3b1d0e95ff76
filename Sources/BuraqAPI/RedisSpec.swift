/// `spec.redis`: the Redis server holding the queue.
public struct RedisSpec: Sendable, Equatable, Codable {
    /// `host:port` (`redis.default.svc:6379`, `[::1]:6379`).
    public var address: String
    /// The logical database (`SELECT`).
    public var database: Int32
    /// The Secret key holding the password (AUTH); absent for none.
    public var passwordSecretRef: SecretKeySelector?
    /// TLS to Redis.
    public var tls: RedisTLSSpec

    /// Creates the Redis settings.
    public init(
        address: String, database: Int32 = TaskQueueDefaults.redisDatabase,
        passwordSecretRef: SecretKeySelector? = nil, tls: RedisTLSSpec = RedisTLSSpec()
    ) {
        self.address = address
        self.database = database
        self.passwordSecretRef = passwordSecretRef
        self.tls = tls
    }

    enum CodingKeys: String, CodingKey {
        case address, database, passwordSecretRef, tls
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        database = try c.decode(.database, or: TaskQueueDefaults.redisDatabase)
        passwordSecretRef = try c.decodeIfPresent(SecretKeySelector.self, forKey: .passwordSecretRef)
        tls = try c.decode(.tls, or: RedisTLSSpec())
    }
}

/// `spec.redis.tls`.
public struct RedisTLSSpec: Sendable, Equatable, Codable {
    /// Whether to connect with TLS.
    public var enabled: Bool

    /// Creates TLS settings.
    public init(enabled: Bool = TaskQueueDefaults.redisTLSEnabled) {
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case enabled
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decode(.enabled, or: TaskQueueDefaults.redisTLSEnabled)
    }
}

/// A key of a Secret in the TaskQueue's namespace (`core/v1 SecretKeySelector`, without `optional`).
public struct SecretKeySelector: Sendable, Equatable, Codable {
    /// The Secret's name.
    public var name: String
    /// The key within the Secret.
    public var key: String

    /// Creates a selector.
    public init(name: String, key: String = TaskQueueDefaults.passwordSecretKey) {
        self.name = name
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case name, key
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        key = try c.decode(.key, or: TaskQueueDefaults.passwordSecretKey)
    }
}
