import BuraqYAML
import FoundationEssentials

/// A kubeconfig file read and parsed, with relative paths resolved against its directory.
struct KubeconfigFile: Sendable {
    let path: String
    let config: Kubeconfig

    /// Reads and parses `path` with `BuraqYAML` (errors carry file, line, column and field).
    init(path: String) throws {
        self.path = path
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeConfigError(file: path, field: "", message: "cannot read the file: \(error)")
        }
        var config = try YAMLDecoder().decode(Kubeconfig.self, from: bytes, file: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func resolve(_ file: String?) -> String? {
            guard let file, !file.isEmpty, !file.hasPrefix("/") else { return file }
            return directory + "/" + file
        }
        for i in config.clusters?.indices ?? 0..<0 {
            config.clusters![i].cluster.certificateAuthority = resolve(config.clusters![i].cluster.certificateAuthority)
        }
        for i in config.users?.indices ?? 0..<0 {
            config.users![i].user.clientCertificate = resolve(config.users![i].user.clientCertificate)
            config.users![i].user.clientKey = resolve(config.users![i].user.clientKey)
            config.users![i].user.tokenFile = resolve(config.users![i].user.tokenFile)
        }
        self.config = config
    }

    /// Several files merged as client-go merges `KUBECONFIG`: the first file to set a name (or the
    /// current context) wins. Returns the merged config and, per name, the file it came from.
    static func merge(_ files: [KubeconfigFile]) -> (Kubeconfig, origin: [String: String]) {
        var merged = Kubeconfig()
        var origin: [String: String] = [:]
        var clusters: [Kubeconfig.NamedCluster] = []
        var users: [Kubeconfig.NamedUser] = []
        var contexts: [Kubeconfig.NamedContext] = []
        for file in files {
            if merged.currentContext?.isEmpty ?? true, let current = file.config.currentContext, !current.isEmpty {
                merged.currentContext = current
                origin["current-context"] = file.path
            }
            for c in file.config.clusters ?? [] where origin["cluster/\(c.name)"] == nil {
                clusters.append(c)
                origin["cluster/\(c.name)"] = file.path
            }
            for u in file.config.users ?? [] where origin["user/\(u.name)"] == nil {
                users.append(u)
                origin["user/\(u.name)"] = file.path
            }
            for c in file.config.contexts ?? [] where origin["context/\(c.name)"] == nil {
                contexts.append(c)
                origin["context/\(c.name)"] = file.path
            }
        }
        merged.clusters = clusters
        merged.users = users
        merged.contexts = contexts
        return (merged, origin)
    }
}
