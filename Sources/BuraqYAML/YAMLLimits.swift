/// Bounds on what the parser accepts, so hostile or broken input cannot exhaust memory or time.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest input, in bytes (default 16 MiB; the Kubernetes API accepts about 3 MiB per request).
    public var maxInputBytes: Int
    /// Deepest nesting of sequences and mappings, aliases included (default 100).
    public var maxDepth: Int
    /// Most nodes in the whole stream after expanding aliases (default 1,000,000): this caps
    /// "billion laughs" documents, where a few lines of nested aliases stand for billions of nodes.
    public var maxNodes: Int
    /// Longest single scalar, in bytes (default 1 MiB).
    public var maxScalarBytes: Int

    /// Creates limits; the defaults suit Kubernetes manifests and kubeconfig files.
    public init(
        maxInputBytes: Int = 16 << 20, maxDepth: Int = 100, maxNodes: Int = 1_000_000,
        maxScalarBytes: Int = 1 << 20
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxScalarBytes = maxScalarBytes
    }
}
