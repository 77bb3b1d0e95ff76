/// Turns what a `Decodable` type threw into a ``YAMLError`` with the field path and the position
/// of the node concerned.
enum DecodingErrorMapping {
    static func yamlError(for error: any Error, root: YAMLNode, file: String?) -> YAMLError {
        if var error = error as? YAMLError {
            if error.file == nil { error.file = file }
            return error
        }
        guard let decoding = error as? DecodingError else {
            return YAMLError(code: .invalidValue, message: "\(error)", file: file, mark: root.mark)
        }
        let code: YAMLError.Code
        let context: DecodingError.Context
        var path: [any CodingKey]
        switch decoding {
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            code = .typeMismatch
            context = c
            path = c.codingPath
        case .keyNotFound(let key, let c):
            code = .missingField
            context = c
            path = c.codingPath + [key]
        case .dataCorrupted(let c):
            code = .invalidValue
            context = c
            path = c.codingPath
        @unknown default:
            return YAMLError(code: .invalidValue, message: "\(error)", file: file, mark: root.mark)
        }
        let mark = (context.underlyingError as? NodeLocation)?.mark ?? locate(context.codingPath, in: root)
        var message = context.debugDescription
        if code == .missingField, let last = path.last {
            message = "required field '\(last.stringValue)' is missing"
        } else if let underlying = context.underlyingError, !(underlying is NodeLocation) {
            message += ": \(underlying)"
        }
        return YAMLError(code: code, message: message, file: file, mark: mark, path: PathFormatter.format(path))
    }

    /// The position of the deepest node along `path` that exists.
    static func locate(_ path: [any CodingKey], in root: YAMLNode) -> YAMLMark {
        var node = root
        for key in path {
            if let pairs = node.mapping, let pair = pairs.first(where: { $0.key.scalar?.text == key.stringValue }) {
                node = pair.value
            } else if let index = key.intValue, let item = node[index] {
                node = item
            } else {
                break
            }
        }
        return node.mark
    }
}
