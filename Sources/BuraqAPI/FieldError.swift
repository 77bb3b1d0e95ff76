/// One problem with a TaskQueue, naming the field as a path from the object root
/// (`spec.workers.maxReplicas`, `spec.scaling.behavior.scaleUp.policies[0].value`).
/// Messages follow the Kubernetes API conventions: "must …", literals in single quotes.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// A required value is missing or empty.
        case required
        /// A value is malformed (a bad name, address or enum value).
        case invalid
        /// A number outside its allowed range.
        case outOfRange
        /// Two fields contradict each other.
        case inconsistent
        /// A list holds the same value twice.
        case duplicate
        /// A list is longer than allowed.
        case tooMany
    }

    /// What kind of problem.
    public var code: Code
    /// The field.
    public var path: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
