import CYAML

/// Builds ``YAMLNode`` trees from libyaml events: one frame per open sequence or mapping,
/// anchors remembered per document with their size, aliases expanded by copying.
struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        var mark: YAMLMark
        var tag: String?
        var anchor: String?
        /// Sequence items, or mapping keys and values alternating.
        var items: [YAMLNode] = []
        /// Nodes in this subtree, itself included, aliases expanded.
        var count = 1
        /// Levels of collections in this subtree, itself included.
        var height = 1
    }

    private struct Anchored {
        var node: YAMLNode
        var count: Int
        var height: Int
    }

    static let mergeTag = "tag:yaml.org,2002:merge"

    let limits: YAMLLimits
    let file: String?
    private(set) var documents: [YAMLDocument] = []
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    private var documentStartLine = 1
    private var root: YAMLNode?

    init(limits: YAMLLimits, file: String?) {
        self.limits = limits
        self.file = file
    }

    mutating func consume(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLMark(
            line: event.start_mark.line + 1, column: event.start_mark.column + 1, offset: event.start_mark.index)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentStartLine = mark.line
            anchors = [:]
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            let node = root ?? YAMLNode(.scalar(YAMLScalar("")), mark: mark)
            documents.append(YAMLDocument(root: node, index: documents.count, startLine: documentStartLine))
            root = nil
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            guard data.length <= limits.maxScalarBytes else {
                throw error(.limitExceeded, "scalar is \(data.length) bytes; the limit is \(limits.maxScalarBytes)", mark)
            }
            try countNodes(1, at: mark)
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let node = YAMLNode(
                .scalar(YAMLScalar(text, style: Self.style(data.style))), mark: mark, tag: Self.string(data.tag))
            add(node, count: 1, height: 0, anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw error(.undefinedAlias, "alias *\(name) refers to no anchor &\(name) defined before it", mark)
            }
            try checkDepth(stack.count + anchored.height, at: mark)
            try countNodes(anchored.count, at: mark)
            var node = anchored.node
            node.mark = mark
            add(node, count: anchored.count, height: anchored.height, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try open(
                isMapping: false, mark: mark, tag: Self.string(event.data.sequence_start.tag),
                anchor: Self.string(event.data.sequence_start.anchor))
        case YAML_MAPPING_START_EVENT:
            try open(
                isMapping: true, mark: mark, tag: Self.string(event.data.mapping_start.tag),
                anchor: Self.string(event.data.mapping_start.anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content =
                frame.isMapping ? .mapping(try pairs(of: frame)) : .sequence(frame.items)
            add(YAMLNode(content, mark: frame.mark, tag: frame.tag), count: frame.count, height: frame.height,
                anchor: frame.anchor)
        default:
            break
        }
    }

    private mutating func open(isMapping: Bool, mark: YAMLMark, tag: String?, anchor: String?) throws(YAMLError) {
        try checkDepth(stack.count + 1, at: mark)
        try countNodes(1, at: mark)
        stack.append(Frame(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor))
    }

    private mutating func add(_ node: YAMLNode, count: Int, height: Int, anchor: String?) {
        if let anchor { anchors[anchor] = Anchored(node: node, count: count, height: height) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        stack[stack.count - 1].items.append(node)
        stack[stack.count - 1].count += count
        stack[stack.count - 1].height = max(stack[stack.count - 1].height, height + 1)
    }

    /// The entries of a closed mapping: duplicate keys refused, merge keys (`<<`) applied with
    /// the keys written in the mapping taking precedence, then earlier merged mappings.
    private func pairs(of frame: Frame) throws(YAMLError) -> [YAMLNode.Pair] {
        var pairs: [YAMLNode.Pair] = []
        pairs.reserveCapacity(frame.items.count / 2)
        var seen: [String: YAMLMark] = [:]
        var merges: [YAMLNode] = []
        var index = 0
        while index + 1 < frame.items.count {
            let key = frame.items[index]
            let value = frame.items[index + 1]
            index += 2
            if let scalar = key.scalar, scalar.style == .plain, scalar.text == "<<",
                key.tag == nil || key.tag == Self.mergeTag
            {
                merges.append(value)
                continue
            }
            if let text = key.scalar?.text {
                // Small mappings (nearly all of them) are searched, larger ones hashed.
                let first =
                    frame.items.count <= 32
                    ? pairs.first(where: { $0.key.scalar?.text == text })?.key.mark : seen[text]
                if let first {
                    throw error(
                        .duplicateKey,
                        "duplicate key '\(text)' (first defined at line \(first.line), column \(first.column))",
                        key.mark, path: PathFormatter.append(key: text, to: path()))
                }
                if frame.items.count > 32 { seen[text] = key.mark }
            }
            pairs.append(YAMLNode.Pair(key: key, value: value))
        }
        if !merges.isEmpty, frame.items.count <= 32 {
            for pair in pairs { if let text = pair.key.scalar?.text { seen[text] = pair.key.mark } }
        }
        for merge in merges {
            let sources: [YAMLNode]
            switch merge.content {
            case .mapping: sources = [merge]
            case .sequence(let items): sources = items
            case .scalar:
                throw error(.typeMismatch, "a merge key '<<' needs a mapping or a list of mappings, got \(merge.summary)",
                    merge.mark, path: path())
            }
            for source in sources {
                guard let entries = source.mapping else {
                    throw error(.typeMismatch, "a merge key '<<' needs a mapping or a list of mappings, got \(source.summary)",
                        source.mark, path: path())
                }
                for entry in entries {
                    guard let text = entry.key.scalar?.text else {
                        pairs.append(entry)
                        continue
                    }
                    if seen[text] == nil {
                        seen[text] = entry.key.mark
                        pairs.append(entry)
                    }
                }
            }
        }
        return pairs
    }

    /// The path of the node being built, from the open frames (for error messages).
    private func path() -> String {
        var path = ""
        for frame in stack {
            if frame.isMapping {
                if frame.items.count % 2 == 1, let key = frame.items.last?.scalar?.text {
                    path = PathFormatter.append(key: key, to: path)
                }
            } else {
                path = PathFormatter.append(index: frame.items.count, to: path)
            }
        }
        return path
    }

    private func checkDepth(_ depth: Int, at mark: YAMLMark) throws(YAMLError) {
        guard depth <= limits.maxDepth else {
            throw error(.limitExceeded, "nesting is deeper than \(limits.maxDepth) levels, the limit", mark, path: path())
        }
    }

    private mutating func countNodes(_ count: Int, at mark: YAMLMark) throws(YAMLError) {
        nodeCount += count
        guard nodeCount <= limits.maxNodes else {
            throw error(
                .limitExceeded,
                "the stream expands to more than \(limits.maxNodes) nodes with its aliases expanded, the limit",
                mark, path: path())
        }
    }

    private func error(_ code: YAMLError.Code, _ message: String, _ mark: YAMLMark, path: String = "") -> YAMLError {
        YAMLError(code: code, message: message, file: file, mark: mark, path: path)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
