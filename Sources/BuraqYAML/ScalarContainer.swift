/// A single-value container over any node.
struct ScalarContainer: SingleValueDecodingContainer {
    let node: YAMLNode
    let path: CodingPath
    let state: DecodingState

    var codingPath: [any CodingKey] { path.keys }

    func decodeNil() -> Bool { node.isNull }

    private func value<T: Decodable>(_ type: T.Type) throws -> T {
        try NodeDecoding.decode(type, from: node, at: path, state: state)
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try NodeDecoding.integer(type, node, path)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
    func decode(_ type: String.Type) throws -> String { try value(type) }
    func decode(_ type: Double.Type) throws -> Double { try value(type) }
    func decode(_ type: Float.Type) throws -> Float { Float(try value(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try value(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }
}
