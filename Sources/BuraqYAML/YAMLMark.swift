/// A position in YAML text: 1-based line and column, and the 0-based character offset libyaml
/// counts from the start of the input.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Line number, starting at 1.
    public var line: Int
    /// Column number, starting at 1 (counted in characters).
    public var column: Int
    /// Characters before this position in the whole input; unique for every node of one input.
    public var offset: Int

    /// Creates a mark.
    public init(line: Int, column: Int, offset: Int = 0) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The start of the input.
    public static let start = YAMLMark(line: 1, column: 1, offset: 0)

    /// Orders by position in the input.
    public static func < (a: YAMLMark, b: YAMLMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}
