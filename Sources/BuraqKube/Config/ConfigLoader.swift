import BuraqBase
import FoundationEssentials
import Logging

/// Finds the cluster configuration the way controller-runtime's `GetConfig` does: the
/// `--kubeconfig` flag, then `KUBECONFIG` (a `:`-separated list, merged), then in-cluster (the pod's
/// service account), then `~/.kube/config`.
public struct ConfigLoader: Sendable {
    /// The service-account directory in a pod.
    public var serviceAccountDirectory: String
    public var environment: [String: String]
    public var logger: Logger

    public init(serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount",
                environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "buraq.kube.config")) {
        self.serviceAccountDirectory = serviceAccountDirectory
        self.environment = environment
        self.logger = logger
    }

    /// The configuration to use. `kubeconfig` is the flag's value; `context` overrides the current context.
    public func load(kubeconfig: String? = nil, context: String? = nil) throws -> ClientConfiguration {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try fromKubeconfig(paths: [kubeconfig], context: context, mustExist: true)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            return try fromKubeconfig(paths: paths, context: context, mustExist: false)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil, environment["KUBERNETES_SERVICE_PORT"] != nil {
            return try inCluster()
        }
        if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.kube/config") {
            return try fromKubeconfig(paths: [home + "/.kube/config"], context: context, mustExist: true)
        }
        throw KubeConfigError(file: "", field: "", message:
            "No Kubernetes configuration: no --kubeconfig, KUBECONFIG unset, not in a cluster (KUBERNETES_SERVICE_HOST unset), no ~/.kube/config")
    }

    /// The pod's service account: token (re-read every minute), CA and namespace files, API
    /// server address from `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`.
    public func inCluster() throws -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError(file: "in-cluster", field: "KUBERNETES_SERVICE_HOST",
                                  message: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set")
        }
        let tokenPath = serviceAccountDirectory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError(file: tokenPath, field: "", message: "the service-account token is missing or unreadable")
        }
        var tls = TLSOptions()
        let caPath = serviceAccountDirectory + "/ca.crt"
        if FileManager.default.isReadableFile(atPath: caPath) {
            tls.caFile = caPath
        } else {
            // Verification stays on (against the system's CAs); never turned off for a missing file.
            logger.warning("Service-account CA is missing; verifying the API server against the system CAs", metadata: ["file": "\(caPath)"])
        }
        let namespace = (try? String(contentsOfFile: serviceAccountDirectory + "/namespace", encoding: .utf8))?
            .trimmedWhitespace
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return ClientConfiguration(server: "https://\(hostPart):\(port)", tls: tls,
                                   credentials: .tokenFile(tokenPath, refresh: .seconds(60)),
                                   namespace: (namespace?.isEmpty ?? true) ? "default" : namespace!, source: "in-cluster")
    }

    /// One kubeconfig, or several merged (first to set a name wins).
    public func fromKubeconfig(paths: [String], context: String? = nil, mustExist: Bool = true) throws -> ClientConfiguration {
        var files: [KubeconfigFile] = []
        for path in paths {
            if !mustExist, !FileManager.default.fileExists(atPath: path) { continue }
            files.append(try KubeconfigFile(path: path))
        }
        guard !files.isEmpty else {
            throw KubeConfigError(file: paths.joined(separator: ":"), field: "", message: "none of the KUBECONFIG files exists")
        }
        let (config, origin) = KubeconfigFile.merge(files)
        let first = files[0].path
        guard let contextName = context ?? config.currentContext, !contextName.isEmpty else {
            throw KubeConfigError(file: first, field: "current-context", message: "no current context is set (and none was given)")
        }
        guard let namedContext = config.contexts?.first(where: { $0.name == contextName }) else {
            throw KubeConfigError(file: origin["current-context"] ?? first, field: "current-context",
                                  message: "context '\(contextName)' is not defined in contexts")
        }
        let contextFile = origin["context/\(contextName)"] ?? first
        let contextField = "contexts[\(contextName)].context"
        guard let namedCluster = config.clusters?.first(where: { $0.name == namedContext.context.cluster }) else {
            throw KubeConfigError(file: contextFile, field: "\(contextField).cluster",
                                  message: "cluster '\(namedContext.context.cluster)' is not defined in clusters")
        }
        let clusterFile = origin["cluster/\(namedCluster.name)"] ?? first
        let clusterField = "clusters[\(namedCluster.name)].cluster"
        let cluster = namedCluster.cluster
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeConfigError(file: clusterFile, field: "\(clusterField).server", message: "is required")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeConfigError(file: clusterFile, field: "\(clusterField).server",
                                  message: "must be an http:// or https:// URL, got '\(server)'")
        }

        var tls = TLSOptions()
        if let data = cluster.certificateAuthorityData {
            tls.caData = try Self.base64(data, file: clusterFile, field: "\(clusterField).certificate-authority-data")
        } else if let file = cluster.certificateAuthority {
            tls.caFile = try Self.readable(file, file: clusterFile, field: "\(clusterField).certificate-authority")
        }
        if cluster.insecureSkipTLSVerify == true {
            tls.insecureSkipVerify = true
            logger.warning("TLS verification of the API server is turned off (insecure-skip-tls-verify)", metadata: [
                "file": "\(clusterFile)", "cluster": "\(namedCluster.name)",
            ])
        }

        var credentials = Credentials.none
        if let userName = namedContext.context.user, !userName.isEmpty {
            guard let namedUser = config.users?.first(where: { $0.name == userName }) else {
                throw KubeConfigError(file: contextFile, field: "\(contextField).user", message: "user '\(userName)' is not defined in users")
            }
            let userFile = origin["user/\(userName)"] ?? first
            let userField = "users[\(userName)].user"
            let user = namedUser.user
            if user.exec != nil || user.authProvider != nil, user.token == nil, user.tokenFile == nil,
               user.clientCertificate == nil, user.clientCertificateData == nil {
                throw KubeConfigError(file: userFile, field: user.exec != nil ? "\(userField).exec" : "\(userField).auth-provider",
                                      message: "credential plugins are not supported; use a token, tokenFile or client certificate")
            }
            if let token = user.token, !token.isEmpty {
                credentials = .token(token)
            } else if let tokenFile = user.tokenFile, !tokenFile.isEmpty {
                credentials = .tokenFile(try Self.readable(tokenFile, file: userFile, field: "\(userField).tokenFile"))
            } else if let username = user.username, let password = user.password {
                credentials = .basic(username: username, password: password)
            }
            if let data = user.clientCertificateData {
                tls.clientCertificateData = try Self.base64(data, file: userFile, field: "\(userField).client-certificate-data")
            } else if let file = user.clientCertificate {
                tls.clientCertificateFile = try Self.readable(file, file: userFile, field: "\(userField).client-certificate")
            }
            if let data = user.clientKeyData {
                tls.clientKeyData = try Self.base64(data, file: userFile, field: "\(userField).client-key-data")
            } else if let file = user.clientKey {
                tls.clientKeyFile = try Self.readable(file, file: userFile, field: "\(userField).client-key")
            }
            let hasCert = tls.clientCertificateData != nil || tls.clientCertificateFile != nil
            let hasKey = tls.clientKeyData != nil || tls.clientKeyFile != nil
            if hasCert != hasKey {
                throw KubeConfigError(file: userFile, field: hasCert ? "\(userField).client-key" : "\(userField).client-certificate",
                                      message: "a client certificate needs its key and the key its certificate")
            }
        }
        let namespace = namedContext.context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return ClientConfiguration(server: server, tls: tls, credentials: credentials, namespace: namespace,
                                   source: files.map(\.path).joined(separator: ":"))
    }

    static func base64(_ text: String, file: String, field: String) throws -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw KubeConfigError(file: file, field: field, message: "is not valid base64")
        }
        return Array(data)
    }

    static func readable(_ path: String, file: String, field: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw KubeConfigError(file: file, field: field, message: "file '\(path)' does not exist or is not readable")
        }
        return path
    }
}
