/// What one decode remembers across its containers: the file name, and which mapping keys the
/// decoded type read, so the keys it never read can be reported as unknown fields.
final class DecodingState {
    struct OpenedMapping {
        var node: YAMLNode
        var path: [any CodingKey]
    }

    let file: String?
    let userInfo: [CodingUserInfoKey: any Sendable]
    /// Offsets of key nodes that were read.
    var usedKeys: Set<Int> = []
    /// Mappings opened as keyed containers, by the offset of the mapping node.
    var openedMappings: [Int: OpenedMapping] = [:]

    init(file: String?, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.file = file
        self.userInfo = userInfo
    }

    /// Keys of opened mappings that the type never read, in the order they appear.
    func unknownFields() -> [YAMLError] {
        var errors: [YAMLError] = []
        for opened in openedMappings.values {
            for pair in opened.node.mapping ?? [] where !usedKeys.contains(pair.key.mark.offset) {
                let path = PathFormatter.format(opened.path)
                let name = pair.key.scalar?.text ?? pair.key.summary
                errors.append(
                    YAMLError(
                        code: .unknownField, message: "unknown field '\(name)'", file: file, mark: pair.key.mark,
                        path: PathFormatter.append(key: name, to: path)))
            }
        }
        return errors.sorted { $0.mark < $1.mark }
    }
}

/// Carried as a `DecodingError`'s underlying error: the node the error is about.
struct NodeLocation: Error {
    var mark: YAMLMark
}

/// A list index in a coding path.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) {
        guard let index = Int(stringValue) else { return nil }
        intValue = index
    }
}

/// The key of a superclass's data (`super`), as JSONDecoder names it.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(intValue: Int) { nil }
    init?(stringValue: String) { nil }
}
