import BuraqYAML
import Foundation

/// Files of this repository the tests check (the CRD and the examples).
enum RepositoryFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func examples() throws -> [String] {
        let directory = root.appendingPathComponent("manifests/examples")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "manifests/examples/\($0)" }
    }

    /// `openAPIV3Schema` of the TaskQueue CRD.
    static func schema() throws -> YAMLNode {
        let crd = try YAMLDecoder().documents(from: text("manifests/crd/taskqueues.buraq.dev.yaml"))[0].root
        guard let schema = crd.node(atPath: "spec.versions[0].schema.openAPIV3Schema") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return schema
    }
}

/// Walks schemas and JSON trees as sets of paths (`spec.retry.backoff.multiplier`, list items as `[]`).
enum SchemaPaths {
    /// Every property path of a schema, with the node describing it.
    static func properties(of schema: YAMLNode, prefix: String = "") -> [(path: String, schema: YAMLNode)] {
        var out: [(String, YAMLNode)] = []
        for pair in schema["properties"]?.mapping ?? [] {
            let name = pair.key.scalar?.text ?? ""
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            out.append((path, pair.value))
            out += properties(of: pair.value, prefix: path)
            if let items = pair.value["items"] {
                out.append((path + "[]", items))
                out += properties(of: items, prefix: path + "[]")
            }
        }
        return out
    }

    /// Every key path of a JSON (or YAML) value; `leavesOnly` keeps scalars and empty collections.
    static func paths(of node: YAMLNode, prefix: String = "", leavesOnly: Bool = false) -> Set<String> {
        var out: Set<String> = []
        switch node.content {
        case .scalar:
            if leavesOnly { out.insert(prefix) }
        case .sequence(let items):
            if items.isEmpty, leavesOnly { out.insert(prefix) }
            if !items.isEmpty, !leavesOnly { out.insert(prefix + "[]") }
            for item in items { out.formUnion(paths(of: item, prefix: prefix + "[]", leavesOnly: leavesOnly)) }
        case .mapping(let pairs):
            if pairs.isEmpty, leavesOnly { out.insert(prefix) }
            for pair in pairs {
                let name = pair.key.scalar?.text ?? ""
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                if !leavesOnly { out.insert(path) }
                out.formUnion(paths(of: pair.value, prefix: path, leavesOnly: leavesOnly))
            }
        }
        return out
    }

    /// A value encoded to JSON and read back as a node tree (JSON is YAML).
    static func json<T: Encodable>(_ value: T) throws -> YAMLNode {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return try YAMLDecoder().documents(from: Array(data))[0].root
    }
}
