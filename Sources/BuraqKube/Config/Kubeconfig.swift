/// The parts of a kubeconfig file (`clientcmd/api/v1/types.go`) the client uses; keys are kebab-case.
public struct Kubeconfig: Sendable, Hashable, Decodable {
    public var clusters: [NamedCluster]?
    public var users: [NamedUser]?
    public var contexts: [NamedContext]?
    public var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    public struct NamedCluster: Sendable, Hashable, Decodable {
        public var name: String
        public var cluster: Cluster
    }

    public struct Cluster: Sendable, Hashable, Decodable {
        public var server: String?
        public var certificateAuthority: String?
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool?
        public var tlsServerName: String?
        public var proxyURL: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    public struct NamedUser: Sendable, Hashable, Decodable {
        public var name: String
        public var user: AuthInfo
    }

    public struct AuthInfo: Sendable, Hashable, Decodable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var username: String?
        public var password: String?
        public var exec: Ignored?
        public var authProvider: Ignored?

        enum CodingKeys: String, CodingKey {
            case token, tokenFile, username, password, exec
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }
    }

    /// A value whose presence matters, not its content.
    public struct Ignored: Sendable, Hashable, Decodable {
        public init(from decoder: any Decoder) throws {}
    }

    public struct NamedContext: Sendable, Hashable, Decodable {
        public var name: String
        public var context: Context
    }

    public struct Context: Sendable, Hashable, Decodable {
        public var cluster: String
        public var user: String?
        public var namespace: String?
    }
}
