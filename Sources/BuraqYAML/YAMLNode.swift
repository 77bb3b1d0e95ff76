/// One node of a parsed YAML document: a scalar, a sequence or a mapping, with the position it
/// starts at. Aliases are already expanded (into copies of the anchored node) and merge keys
/// (`<<: *base`) already applied, so a tree is plain data.
public struct YAMLNode: Sendable, Hashable {
    /// What the node holds.
    public enum Content: Sendable, Hashable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A sequence (YAML list), in order.
        case sequence([YAMLNode])
        /// A mapping, entries in the order written.
        case mapping([Pair])
    }

    /// One mapping entry.
    public struct Pair: Sendable, Hashable {
        /// The key node (a scalar in every document this project reads).
        public var key: YAMLNode
        /// The value node.
        public var value: YAMLNode

        /// Creates an entry.
        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    /// What the node holds.
    public var content: Content
    /// Where the node starts.
    public var mark: YAMLMark
    /// The explicit tag, resolved (`!!str` is `tag:yaml.org,2002:str`); `nil` when none was written.
    public var tag: String?

    /// Creates a node.
    public init(_ content: Content, mark: YAMLMark = .start, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The items, when this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries, when this node is a mapping.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// Whether this node is a null scalar (`~`, `null`, or nothing).
    public var isNull: Bool { scalar?.isNull ?? false }

    /// The value of the first entry whose key is the scalar `key`, when this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.text == key }?.value
    }

    /// The item at `index`, when this node is a sequence that long.
    public subscript(index: Int) -> YAMLNode? {
        guard let items = sequence, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// How the node is named in messages: `a mapping`, `a list`, `null`, `the string "abc"`.
    public var summary: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            if s.isNull { return "null" }
            let text = s.text.count > 40 ? String(s.text.prefix(40)) + "…" : s.text
            let escaped = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
            return s.style == .plain ? "'\(escaped)'" : "the string \"\(escaped)\""
        }
    }
}
