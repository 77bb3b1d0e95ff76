/// A problem in a trace file, naming the file, the line and the field.
public struct TraceParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable, Equatable {
        /// No samples at all.
        case empty
        /// The CSV header is not `time,backlog,inFlight` (in any order).
        case badHeader
        /// A row has the wrong number of fields.
        case wrongFieldCount
        /// A value is not of the expected form.
        case badValue
        /// A required field is absent.
        case missingField
        /// A field the trace format does not have.
        case unknownField
        /// A sample's time is not after the previous one's.
        case timeNotIncreasing
        /// The JSON text is malformed.
        case malformedJSON
        /// The JSON is well-formed but not an array of objects.
        case wrongShape
    }

    /// What kind of problem.
    public var code: Code
    /// The file (or `<trace>` for text without one).
    public var source: String
    /// The 1-based line.
    public var line: Int
    /// The field concerned, if one is.
    public var field: String?
    /// What is wrong and what was expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, source: String, line: Int, field: String? = nil, message: String) {
        self.code = code
        self.source = source
        self.line = line
        self.field = field
        self.message = message
    }

    /// `trace.csv:12: field backlog: expected a non-negative integer or nothing (unknown), got "x"`.
    public var description: String {
        "\(source):\(line): " + (field.map { "field \($0): " } ?? "") + message
    }
}
