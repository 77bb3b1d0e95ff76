import CYAML

/// Parses YAML text into documents of ``YAMLNode`` trees with libyaml's event API.
///
/// The parser enforces ``YAMLLimits`` while it reads, expands aliases (refusing undefined ones
/// and expansions past `maxNodes`), applies merge keys and rejects duplicate keys.
public struct YAMLParser: Sendable {
    /// The bounds the parser enforces.
    public var limits: YAMLLimits

    /// Creates a parser.
    public init(limits: YAMLLimits = YAMLLimits()) {
        self.limits = limits
    }

    /// Every document of a stream, empty ones included (see ``YAMLDocument/isEmpty``).
    /// - Parameter file: the name errors carry.
    public func parse(_ text: String, file: String? = nil) throws(YAMLError) -> [YAMLDocument] {
        try parse(bytes: text.utf8, file: file)
    }

    /// Every document of a stream of bytes (UTF-8, or UTF-16 with a byte-order mark).
    public func parse(bytes: some Collection<UInt8>, file: String? = nil) throws(YAMLError) -> [YAMLDocument] {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(YAMLError) in try parse(bytes: buffer, file: file) }
        }
        if let contiguous { return try contiguous.get() }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(YAMLError) in try parse(bytes: buffer, file: file) }
    }

    private func parse(bytes: UnsafeBufferPointer<UInt8>, file: String?) throws(YAMLError) -> [YAMLDocument] {
        guard bytes.count <= limits.maxInputBytes else {
            throw YAMLError(
                code: .limitExceeded,
                message: "input is \(bytes.count) bytes; the limit is \(limits.maxInputBytes)", file: file)
        }
        // libyaml reads `size` bytes from the pointer; an empty buffer may have no base address.
        var empty: UInt8 = 0
        let base = bytes.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
        guard let parser = buraq_yaml_parser_create(base, bytes.count) else {
            throw YAMLError(code: .limitExceeded, message: "out of memory creating the YAML parser", file: file)
        }
        defer { buraq_yaml_parser_destroy(parser) }

        var builder = TreeBuilder(limits: limits, file: file)
        var event = yaml_event_t()
        while true {
            guard buraq_yaml_parser_next(parser, &event) == 1 else {
                throw LibYAMLProblem(parser: parser.pointee, input: bytes).error(file: file)
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try builder.consume(event)
        }
        return builder.documents
    }
}
