import FoundationEssentials

extension JSONValue {
    /// Parses JSON text.
    public init(parsing bytes: some Collection<UInt8>) throws {
        self = try JSONParser.parse(bytes)
    }

    /// Parses JSON text.
    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// The JSON form of an `Encodable` value (optional fields left out, as synthesized `Codable` does).
    public init(encoding value: some Encodable) throws {
        if let json = value as? JSONValue {
            self = json
            return
        }
        self = try JSONValue(parsing: JSONValue.encoder.encode(value))
    }

    /// Compact JSON text (keys sorted, so output is stable).
    public func serialized() throws -> [UInt8] {
        JSONWriter.write(self)
    }

    /// This value decoded as `type`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        if let same = self as? T { return same }
        return try JSONDecoder().decode(T.self, from: Data(try serialized()))
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
