/// Decodes YAML into `Decodable` types, with errors that name the file, line, column, field path
/// and what was expected:
///
/// ```swift
/// let config = try YAMLDecoder().decode(KubeConfig.self, from: text, file: "~/.kube/config")
/// // throws e.g. "~/.kube/config:7:14: clusters[0].cluster.server: expected a string, got a list"
/// ```
///
/// Plain scalars take their meaning from the type asked for: a `String` field keeps `no`, `on`,
/// `1.10` or `0755` exactly as written; a `Bool` field accepts `true`/`false` and the YAML 1.1
/// words (`yes`, `no`, `on`, `off`, `y`, `n`); number fields refuse quoted text. Null (`~`,
/// `null`, nothing) counts as absent for optional fields.
public struct YAMLDecoder: Sendable {
    /// Bounds on the input (see ``YAMLLimits``).
    public var limits: YAMLLimits
    /// When true, a mapping key the type never reads fails the decode with `.unknownField`
    /// (like `kubectl apply --validate=strict`); when false (the default) such keys are ignored.
    public var rejectsUnknownFields: Bool
    /// Values handed to `init(from:)` through `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    public init(limits: YAMLLimits = YAMLLimits(), rejectsUnknownFields: Bool = false) {
        self.limits = limits
        self.rejectsUnknownFields = rejectsUnknownFields
        self.userInfo = [:]
    }

    /// Decodes the one document in `text` (a stream with several non-empty documents is refused;
    /// use ``documents(from:file:)`` for those).
    /// - Parameter file: the name errors carry (a path, or `-` for standard input).
    public func decode<T: Decodable>(_ type: T.Type = T.self, from text: String, file: String? = nil)
        throws(YAMLError) -> T
    {
        try decode(type, from: try single(try documents(from: text, file: file), file: file), file: file)
    }

    /// Decodes the one document in `bytes` (UTF-8, or UTF-16 with a byte-order mark), e.g. `Data`.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from bytes: some Collection<UInt8>, file: String? = nil)
        throws(YAMLError) -> T
    {
        try decode(type, from: try single(try documents(from: bytes, file: file), file: file), file: file)
    }

    /// Decodes a node already parsed, e.g. one ``YAMLDocument/root`` of a multi-document stream.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from node: YAMLNode, file: String? = nil)
        throws(YAMLError) -> T
    {
        let (value, unknown) = try decodeReportingUnknownFields(type, from: node, file: file)
        if rejectsUnknownFields, let first = unknown.first { throw first }
        return value
    }

    /// Decodes a node and also returns every mapping key the type did not read, as
    /// `.unknownField` errors in document order (for linters such as `buraq validate`).
    public func decodeReportingUnknownFields<T: Decodable>(_ type: T.Type = T.self, from node: YAMLNode, file: String? = nil)
        throws(YAMLError) -> (value: T, unknownFields: [YAMLError])
    {
        let state = DecodingState(file: file, userInfo: userInfo)
        do {
            let value = try NodeDecoding.decode(type, from: node, at: .root, state: state)
            return (value, state.unknownFields())
        } catch {
            throw DecodingErrorMapping.yamlError(for: error, root: node, file: file)
        }
    }

    /// Every document of a stream, empty ones included, each with its root node and first line.
    public func documents(from text: String, file: String? = nil) throws(YAMLError) -> [YAMLDocument] {
        try YAMLParser(limits: limits).parse(text, file: file)
    }

    /// Every document of a stream of bytes.
    public func documents(from bytes: some Collection<UInt8>, file: String? = nil) throws(YAMLError) -> [YAMLDocument] {
        try YAMLParser(limits: limits).parse(bytes: bytes, file: file)
    }

    /// Decodes every non-empty document of a stream as `T`.
    public func decodeAll<T: Decodable>(_ type: T.Type = T.self, from text: String, file: String? = nil)
        throws(YAMLError) -> [T]
    {
        var values: [T] = []
        for document in try documents(from: text, file: file) where !document.isEmpty {
            values.append(try decode(type, from: document.root, file: file))
        }
        return values
    }

    private func single(_ documents: [YAMLDocument], file: String?) throws(YAMLError) -> YAMLNode {
        let present = documents.filter { !$0.isEmpty }
        guard let first = present.first else {
            throw YAMLError(
                code: .emptyDocument, message: "no YAML document: the input is empty or holds only comments",
                file: file, mark: documents.last?.root.mark ?? .start)
        }
        if present.count > 1 {
            throw YAMLError(
                code: .multipleDocuments,
                message: "expected one YAML document, found another starting at line \(present[1].startLine)",
                file: file, mark: present[1].root.mark)
        }
        return first.root
    }
}
