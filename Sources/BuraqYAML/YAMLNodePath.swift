/// Finding nodes by the field paths errors use (`spec.workers.maxReplicas`,
/// `spec.scaling.behavior.scaleUp.policies[0].value`, `metadata.labels[app.kubernetes.io/name]`),
/// so a rule checked on a decoded value can point back into the file.
extension YAMLNode {
    /// The node at `path`, when every step exists.
    public func node(atPath path: String) -> YAMLNode? {
        let (node, complete) = walk(path)
        return complete ? node : nil
    }

    /// The deepest node along `path` that exists: the node itself, or the mapping a missing
    /// field belongs in. The document root for an empty path.
    public func closestNode(toPath path: String) -> YAMLNode {
        walk(path).node
    }

    private func walk(_ path: String) -> (node: YAMLNode, complete: Bool) {
        var node = self
        for step in Self.steps(path) {
            if let pairs = node.mapping, let pair = pairs.first(where: { $0.key.scalar?.text == step }) {
                node = pair.value
            } else if let index = Int(step), let item = node[index] {
                node = item
            } else {
                return (node, false)
            }
        }
        return (node, true)
    }

    /// `a.b[0][c.d]` → `a`, `b`, `0`, `c.d`.
    static func steps(_ path: String) -> [String] {
        var steps: [String] = []
        var current = ""
        var inBrackets = false
        for character in path {
            switch character {
            case "[" where !inBrackets:
                if !current.isEmpty { steps.append(current) }
                current = ""
                inBrackets = true
            case "]" where inBrackets:
                steps.append(current)
                current = ""
                inBrackets = false
            case "." where !inBrackets:
                if !current.isEmpty { steps.append(current) }
                current = ""
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { steps.append(current) }
        return steps
    }
}
