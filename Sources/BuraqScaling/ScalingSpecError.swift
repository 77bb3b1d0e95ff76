/// A problem with a `ScalingSpec`, naming the field (a JSON path such as
/// `behavior.scaleUp.policies[0].periodSeconds`) and what was expected.
public struct ScalingSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem.
    public enum Code: String, Sendable, Equatable {
        /// A value outside its allowed range.
        case outOfRange
        /// A list that must not be empty is empty.
        case empty
        /// Two fields contradict each other.
        case inconsistent
    }

    /// What kind of problem.
    public var code: Code
    /// The field, as a JSON path from the scaling spec.
    public var field: String
    /// What is wrong and what was expected, e.g. "must be between 1 and 1800, got 0".
    public var message: String

    /// Creates an error.
    public init(code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String {
        "\(field): \(message)"
    }
}
