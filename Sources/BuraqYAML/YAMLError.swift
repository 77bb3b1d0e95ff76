/// A problem with YAML input: what is wrong, where (file, line, column) and at which field.
///
/// `description` is `file:line:col: path: message`, the form compilers and linters use, so
/// editors can jump to it.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// The text is not valid YAML (libyaml's scanner or parser stopped).
        case syntax
        /// The input is not valid UTF-8/UTF-16 or holds control characters.
        case encoding
        /// A size, depth, node-count or alias-expansion limit was exceeded.
        case limitExceeded
        /// A mapping has the same key twice.
        case duplicateKey
        /// An alias names an anchor that was never defined.
        case undefinedAlias
        /// A value has the wrong type (a string where a number belongs, a list where a mapping belongs).
        case typeMismatch
        /// A required field is absent.
        case missingField
        /// A value has the right type but is not allowed (an unknown enum case, a rule broken).
        case invalidValue
        /// A field that the type does not have (only reported when asked for).
        case unknownField
        /// There was no document where one was needed.
        case emptyDocument
        /// Several documents where one was needed.
        case multipleDocuments
    }

    /// What kind of problem.
    public var code: Code
    /// What is wrong and what was expected, e.g. "expected an integer, got 'ten'".
    public var message: String
    /// The file, as the caller named it; `nil` when decoding text from elsewhere.
    public var file: String?
    /// Where the problem is.
    public var mark: YAMLMark
    /// The field, as a dotted path with list indices (`spec.scaling.behavior.scaleUp.policies[0].value`);
    /// empty for the document root or for syntax errors.
    public var path: String

    /// Creates an error.
    public init(code: Code, message: String, file: String? = nil, mark: YAMLMark = .start, path: String = "") {
        self.code = code
        self.message = message
        self.file = file
        self.mark = mark
        self.path = path
    }

    /// The line, from 1.
    public var line: Int { mark.line }
    /// The column, from 1.
    public var column: Int { mark.column }

    /// `file:line:col: path: message` (file and path left out when unknown).
    public var description: String {
        var text = "\(file ?? "<input>"):\(mark.line):\(mark.column): "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}
