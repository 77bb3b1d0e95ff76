/// An unkeyed container over a sequence node.
struct SequenceContainer: UnkeyedDecodingContainer {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    let state: DecodingState
    private let items: [YAMLNode]
    private(set) var currentIndex = 0

    init(node: YAMLNode, codingPath: [any CodingKey], state: DecodingState) throws {
        guard let items = node.sequence else {
            throw NodeDecoding.mismatch([Any].self, "a list", node, codingPath)
        }
        self.node = node
        self.codingPath = codingPath
        self.state = state
        self.items = items
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next(_ type: Any.Type) throws -> (YAMLNode, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: codingPath + [IndexKey(currentIndex)],
                    debugDescription: "expected another list item, found the end of the list",
                    underlyingError: NodeLocation(mark: node.mark)))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    private mutating func value<T: Decodable>(_ type: T.Type) throws -> T {
        let (item, path) = try next(type)
        return try NodeDecoding.decode(type, from: item, at: path, state: state)
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let (item, path) = try next(type)
        return try NodeDecoding.integer(type, item, path)
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    mutating func decode(_ type: String.Type) throws -> String { try value(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try value(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try value(Double.self)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try value(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (item, path) = try next([String: Any].self)
        return KeyedDecodingContainer(try MappingContainer<NestedKey>(node: item, codingPath: path, state: state))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (item, path) = try next([Any].self)
        return try SequenceContainer(node: item, codingPath: path, state: state)
    }

    mutating func superDecoder() throws -> any Decoder {
        let (item, path) = try next(Any.self)
        return NodeDecoder(node: item, codingPath: path, state: state)
    }
}
