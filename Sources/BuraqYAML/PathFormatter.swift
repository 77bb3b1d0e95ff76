/// Renders field paths the way Kubernetes does: `spec.workers.maxReplicas`,
/// `spec.scaling.behavior.scaleUp.policies[0].value`, `metadata.labels[app.kubernetes.io/name]`.
enum PathFormatter {
    static func append(key: String, to path: String) -> String {
        let plain =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x5F || byte == 0x2D
            }
        if !plain { return path + "[\(key)]" }
        return path.isEmpty ? key : path + "." + key
    }

    static func append(index: Int, to path: String) -> String {
        path + "[\(index)]"
    }

    /// The path of a Codable coding path (integer keys are list indices).
    static func format(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path = append(index: index, to: path)
            } else {
                path = append(key: key.stringValue, to: path)
            }
        }
        return path
    }
}
