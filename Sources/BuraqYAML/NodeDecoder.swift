/// A `Decoder` over one node of a tree.
struct NodeDecoder: Decoder {
    let node: YAMLNode
    let path: CodingPath
    let state: DecodingState

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try MappingContainer<Key>(node: node, path: path, state: state))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try SequenceContainer(node: node, path: path, state: state)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ScalarContainer(node: node, path: path, state: state)
    }
}

/// How every container turns a node into a value: fast paths for strings, booleans and numbers,
/// a check of enum cases with a message listing them, everything else through `init(from:)`.
enum NodeDecoding {
    static func decode<T: Decodable>(
        _ type: T.Type, from node: YAMLNode, at path: CodingPath, state: DecodingState
    ) throws -> T {
        if T.self == String.self { return try string(node, path) as! T }
        if T.self == Bool.self { return try bool(node, path) as! T }
        if T.self == Int.self { return try integer(Int.self, node, path) as! T }
        if T.self == Int32.self { return try integer(Int32.self, node, path) as! T }
        if T.self == Int64.self { return try integer(Int64.self, node, path) as! T }
        if T.self == Double.self { return try double(node, path) as! T }
        if let enumType = T.self as? any (CaseIterable & RawRepresentable).Type {
            try checkCase(of: enumType, node, path)
        }
        return try T(from: NodeDecoder(node: node, path: path, state: state))
    }

    static func mismatch(_ type: Any.Type, _ expected: String, _ node: YAMLNode, _ path: CodingPath, hint: String = "")
        -> DecodingError
    {
        DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path.keys, debugDescription: "expected \(expected), got \(node.summary)\(hint)",
                underlyingError: NodeLocation(mark: node.mark)))
    }

    static func string(_ node: YAMLNode, _ path: CodingPath) throws -> String {
        guard let scalar = node.scalar, !(scalar.isNull && node.tag == nil) else {
            throw mismatch(String.self, "a string", node, path)
        }
        return scalar.text
    }

    /// A plain scalar that must be a non-string value; quoted ones get a hint to drop the quotes.
    private static func plainText(_ type: Any.Type, _ expected: String, _ node: YAMLNode, _ path: CodingPath)
        throws -> String
    {
        guard let scalar = node.scalar, !scalar.isNull else { throw mismatch(type, expected, node, path) }
        guard scalar.style == .plain else {
            throw mismatch(type, expected, node, path, hint: " (quotes make a string; remove them)")
        }
        return scalar.text
    }

    static func bool(_ node: YAMLNode, _ path: CodingPath) throws -> Bool {
        let text = try plainText(Bool.self, "a boolean (true or false)", node, path)
        guard let value = ScalarResolution.bool(text) else {
            throw mismatch(Bool.self, "a boolean (true or false)", node, path)
        }
        return value
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ node: YAMLNode, _ path: CodingPath) throws -> T {
        let text = try plainText(T.self, "an integer", node, path)
        switch ScalarResolution.integer(text, as: T.self) {
        case .value(let value): return value
        case .notInteger: throw mismatch(T.self, "an integer", node, path)
        case .outOfRange: throw mismatch(T.self, "an integer from \(T.min) to \(T.max)", node, path)
        case .leadingZero:
            throw mismatch(
                T.self, "an integer", node, path,
                hint: " (a leading zero means octal in YAML 1.1 and decimal in YAML 1.2; drop the zero or write 0o…)")
        }
    }

    static func double(_ node: YAMLNode, _ path: CodingPath) throws -> Double {
        let text = try plainText(Double.self, "a number", node, path)
        guard let value = ScalarResolution.double(text) else { throw mismatch(Double.self, "a number", node, path) }
        return value
    }

    /// Refuses a scalar that is none of an enum's raw values, naming the values allowed.
    private static func checkCase<E: CaseIterable & RawRepresentable>(
        of type: E.Type, _ node: YAMLNode, _ path: CodingPath
    ) throws {
        let allowed = E.allCases.map { "\($0.rawValue)" }
        guard let scalar = node.scalar, !scalar.isNull, !allowed.contains(scalar.text) else { return }
        let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: path.keys, debugDescription: "expected one of \(list), got \(node.summary)",
                underlyingError: NodeLocation(mark: node.mark)))
    }
}
