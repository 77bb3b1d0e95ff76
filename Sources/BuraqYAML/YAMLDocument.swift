/// One document of a YAML stream (documents are separated by `---`).
public struct YAMLDocument: Sendable, Hashable {
    /// The document's root node; a null scalar for an empty document.
    public var root: YAMLNode
    /// Position of the document in the stream, from 0.
    public var index: Int
    /// The line the document starts on (its `---`, or its first content).
    public var startLine: Int

    /// Creates a document.
    public init(root: YAMLNode, index: Int, startLine: Int) {
        self.root = root
        self.index = index
        self.startLine = startLine
    }

    /// Whether the document holds nothing (only comments, or nothing, between separators);
    /// Kubernetes tools skip such documents.
    public var isEmpty: Bool { root.isNull && root.tag == nil }
}
