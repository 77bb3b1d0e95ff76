/// Reads and writes a Kubernetes `resource.Quantity` holding a small decimal, as autoscaling/v2
/// `tolerance` does: JSON `0.05`, `"0.05"` or `"50m"` all mean 0.05. Written as a string
/// (`"0.05"`), which the API server accepts for a quantity.
enum ToleranceQuantity {
    /// Parses `"0.05"`, `"50m"`, `"1"`; `nil` when the text is not such a quantity.
    static func parse(_ text: String) -> Double? {
        var body = Substring(text)
        var divisor = 1.0
        if body.hasSuffix("m") {
            body.removeLast()
            divisor = 1000
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            body.filter({ $0 == "." }).count <= 1, let value = Double(body)
        else { return nil }
        return value / divisor
    }

    static func decode(
        from container: KeyedDecodingContainer<ScalingRules.CodingKeys>, key: ScalingRules.CodingKeys
    ) throws -> Double? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let number = try? container.decode(Double.self, forKey: key) { return number }
        let text = try container.decode(String.self, forKey: key)
        guard let value = parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "expected a non-negative decimal quantity such as 0.05 or \"50m\", got \"\(text)\"")
        }
        return value
    }

    static func text(_ value: Double) -> String {
        DecimalText.format(value, places: 6)
    }
}
