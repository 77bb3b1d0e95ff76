/// Where the API server is and how to talk to it: what the loaders produce and ``KubeClient`` takes.
public struct ClientConfiguration: Sendable {
    /// `https://host:port` (or `http://` for a local fake server).
    public var server: String
    public var tls: TLSOptions
    public var credentials: Credentials
    /// The namespace of the current context (or of the pod, in-cluster); `default` otherwise.
    public var namespace: String
    /// Client-side rate limit: requests a second, and how many may go at once after a quiet period.
    public var qps: Double
    public var burst: Int
    public var connectTimeout: Duration
    /// Timeout of every request but watches (which end after their own `timeoutSeconds`).
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    public var userAgent: String
    /// Where the configuration came from (a kubeconfig path, or `in-cluster`), for logs.
    public var source: String

    public init(server: String, tls: TLSOptions = TLSOptions(), credentials: Credentials = .none,
                namespace: String = "default", qps: Double = 20, burst: Int = 30,
                connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60),
                retry: RetryPolicy = RetryPolicy(), userAgent: String = "buraq/0.1", source: String = "explicit") {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.qps = qps
        self.burst = burst
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.userAgent = userAgent
        self.source = source
    }
}

/// How requests authenticate (besides a TLS client certificate).
public enum Credentials: Sendable, Hashable {
    case none
    /// A fixed bearer token.
    case token(String)
    /// A bearer token read from a file and re-read every `refresh` (bound service-account tokens
    /// rotate; client-go re-reads every minute).
    case tokenFile(String, refresh: Duration = .seconds(60))
    /// HTTP basic authentication (old kubeconfigs).
    case basic(username: String, password: String)
}
