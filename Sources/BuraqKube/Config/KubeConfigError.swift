/// A configuration problem, naming the file and the field: `~/.kube/config: users[dev].user.token: ...`.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kubeconfig file (or `in-cluster`).
    public var file: String
    /// The field, as a path (`clusters[prod].cluster.server`); empty for the file as a whole.
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}
