/// What one decode remembers across its containers: the file name, and which mapping keys the
/// decoded type read, so the keys it never read can be reported as unknown fields.
final class DecodingState {
    struct OpenedMapping {
        var node: YAMLNode
        var path: CodingPath
        /// Keys the type looked for, present or not: the candidates for "did you mean".
        var asked: Set<String> = []
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
                let path = PathFormatter.format(opened.path.keys)
                let name = pair.key.scalar?.text ?? pair.key.summary
                var message = "unknown field '\(name)'"
                if let guess = Self.closest(to: name, in: opened.asked) { message += "; did you mean '\(guess)'?" }
                errors.append(
                    YAMLError(
                        code: .unknownField, message: message, file: file, mark: pair.key.mark,
                        path: PathFormatter.append(key: name, to: path)))
            }
        }
        return errors.sorted { $0.mark < $1.mark }
    }

    /// The candidate nearest to `name` by edit distance (case-insensitive), when it is near
    /// enough to be a typo: at most 2 edits, and fewer than a third of the name's length.
    static func closest(to name: String, in candidates: Set<String>) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance <= 2, distance * 3 < max(target.count, 2) + 1, distance < (best?.1 ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
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
