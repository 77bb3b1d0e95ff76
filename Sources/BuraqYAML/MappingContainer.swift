/// A keyed container over a mapping node. Reading a key marks it used (see
/// ``DecodingState/unknownFields()``).
struct MappingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: YAMLNode
    let path: CodingPath
    let state: DecodingState
    private let pairs: [YAMLNode.Pair]
    /// Positions of keys in mappings larger than `searchLimit`; smaller ones are searched.
    private let index: [String: Int]
    private static var searchLimit: Int { 16 }

    var codingPath: [any CodingKey] { path.keys }

    init(node: YAMLNode, path: CodingPath, state: DecodingState) throws {
        guard let pairs = node.mapping else {
            throw NodeDecoding.mismatch([String: Any].self, "a mapping", node, path)
        }
        var index: [String: Int] = [:]
        if pairs.count > Self.searchLimit { index.reserveCapacity(pairs.count) }
        for (position, pair) in pairs.enumerated() {
            guard let text = pair.key.scalar?.text else {
                throw NodeDecoding.mismatch(String.self, "a scalar key", pair.key, path)
            }
            if pairs.count > Self.searchLimit, index[text] == nil { index[text] = position }
        }
        self.node = node
        self.path = path
        self.state = state
        self.pairs = pairs
        self.index = index
        if state.openedMappings[node.mark.offset] == nil {
            state.openedMappings[node.mark.offset] = DecodingState.OpenedMapping(node: node, path: path)
        }
    }

    var allKeys: [Key] {
        pairs.compactMap { pair in pair.key.scalar.flatMap { Key(stringValue: $0.text) } }
    }

    private func position(_ text: String) -> Int? {
        pairs.count > Self.searchLimit ? index[text] : pairs.firstIndex { $0.key.scalar?.text == text }
    }

    func contains(_ key: Key) -> Bool {
        asked(key)
        return position(key.stringValue) != nil
    }

    /// Remembers that the type looked for `key` (for "did you mean" on unknown fields).
    private func asked(_ key: Key) {
        state.openedMappings[node.mark.offset]?.asked.insert(key.stringValue)
    }

    private func pair(_ key: Key) throws -> YAMLNode.Pair {
        asked(key)
        guard let position = position(key.stringValue) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath, debugDescription: "required field '\(key.stringValue)' is missing",
                    underlyingError: NodeLocation(mark: node.mark)))
        }
        let pair = pairs[position]
        state.usedKeys.insert(pair.key.mark.offset)
        return pair
    }

    private func value<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try NodeDecoding.decode(type, from: try pair(key).value, at: path.appending(key), state: state)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try pair(key).value.isNull
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try value(Double.self, key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, key) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try NodeDecoding.integer(type, try pair(key).value, path.appending(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(
            try MappingContainer<NestedKey>(node: try pair(key).value, path: path.appending(key), state: state))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try SequenceContainer(node: try pair(key).value, path: path.appending(key), state: state)
    }

    func superDecoder() throws -> any Decoder {
        let superKey = Key(stringValue: "super")
        let found = superKey.flatMap { position($0.stringValue) }.map { pairs[$0].value }
        let child = found ?? YAMLNode(.scalar(YAMLScalar("")), mark: node.mark)
        return NodeDecoder(node: child, path: path.appending(SuperKey()), state: state)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let child = contains(key) ? try pair(key).value : YAMLNode(.scalar(YAMLScalar("")), mark: node.mark)
        return NodeDecoder(node: child, path: path.appending(key), state: state)
    }
}
