/// An unkeyed container over a sequence node.
struct SequenceContainer: UnkeyedDecodingContainer {
    let node: YAMLNode
    let path: CodingPath
    let state: DecodingState
    private let items: [YAMLNode]
    private(set) var currentIndex = 0

    var codingPath: [any CodingKey] { path.keys }

    init(node: YAMLNode, path: CodingPath, state: DecodingState) throws {
        guard let items = node.sequence else {
            throw NodeDecoding.mismatch([Any].self, "a list", node, path)
        }
        self.node = node
        self.path = path
        self.state = state
        self.items = items
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next(_ type: Any.Type) throws -> (YAMLNode, CodingPath) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: path.appending(IndexKey(currentIndex)).keys,
                    debugDescription: "expected another list item, found the end of the list",
                    underlyingError: NodeLocation(mark: node.mark)))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], path.appending(IndexKey(currentIndex)))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    private mutating func value<T: Decodable>(_ type: T.Type) throws -> T {
        let (item, itemPath) = try next(type)
        return try NodeDecoding.decode(type, from: item, at: itemPath, state: state)
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let (item, itemPath) = try next(type)
        return try NodeDecoding.integer(type, item, itemPath)
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
        let (item, itemPath) = try next([String: Any].self)
        return KeyedDecodingContainer(try MappingContainer<NestedKey>(node: item, path: itemPath, state: state))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (item, itemPath) = try next([Any].self)
        return try SequenceContainer(node: item, path: itemPath, state: state)
    }

    mutating func superDecoder() throws -> any Decoder {
        let (item, itemPath) = try next(Any.self)
        return NodeDecoder(node: item, path: itemPath, state: state)
    }
}
