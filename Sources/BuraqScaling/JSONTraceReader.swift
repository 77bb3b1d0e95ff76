/// Reads a JSON trace: `[{"time": 0, "backlog": 10, "inFlight": 2}, ...]`.
enum JSONTraceReader {
    static func parse(_ text: String, source: String) throws(TraceParseError) -> [TraceSample] {
        var scanner = JSONScanner(text)
        let document: JSONScanner.Node
        do {
            document = try scanner.parseDocument()
        } catch {
            throw TraceParseError(code: .malformedJSON, source: source, line: error.line, message: error.message)
        }
        guard case .array(let elements) = document.value else {
            throw TraceParseError(
                code: .wrongShape, source: source, line: document.line,
                message: "expected an array of samples like [{\"time\": 0, \"backlog\": 10, \"inFlight\": 2}]")
        }
        var samples: [TraceSample] = []
        for (position, element) in elements.enumerated() {
            guard case .object(let members) = element.value else {
                throw TraceParseError(
                    code: .wrongShape, source: source, line: element.line,
                    message: "sample \(position + 1) is not an object with time, backlog and inFlight")
            }
            var row = SampleFields(source: source, line: element.line)
            var seen: Set<String> = []
            for (key, node) in members {
                guard seen.insert(key).inserted else {
                    throw TraceParseError(
                        code: .badValue, source: source, line: node.line, field: key, message: "the field appears twice")
                }
                row.line = node.line
                guard TraceParser.fields.contains(key) else { throw row.unknownField(key) }
                switch node.value {
                case .number(let number): try row.set(key, number)
                case .null: try row.set(key, nil)
                case .string: throw row.badValue(key, "expected a number or null, got a string")
                case .bool: throw row.badValue(key, "expected a number or null, got true or false")
                case .object, .array: throw row.badValue(key, "expected a number or null, got a nested value")
                }
            }
            row.line = element.line
            try TraceParser.append(row.sample(), to: &samples, source: source, line: element.line)
        }
        guard !samples.isEmpty else {
            throw TraceParseError(code: .empty, source: source, line: document.line, message: "the array has no samples")
        }
        return samples
    }
}
