import CYAML

/// Turns libyaml's error state into a ``YAMLError`` with a 1-based position and a hint for the
/// common mistakes (tabs for indentation).
struct LibYAMLProblem {
    var kind: yaml_error_type_t
    var problem: String
    var context: String?
    var problemMark: yaml_mark_t
    var contextMark: yaml_mark_t
    var problemOffset: Int
    var input: UnsafeBufferPointer<UInt8>

    init(parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) {
        kind = parser.error
        problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        context = parser.context.map { String(cString: $0) }
        problemMark = parser.problem_mark
        contextMark = parser.context_mark
        problemOffset = parser.problem_offset
        self.input = input
    }

    func error(file: String?) -> YAMLError {
        switch kind {
        case YAML_READER_ERROR:
            let mark = Self.mark(atByte: min(problemOffset, input.count), in: input)
            return YAMLError(code: .encoding, message: "\(problem); the input must be UTF-8 text", file: file, mark: mark)
        case YAML_MEMORY_ERROR:
            return YAMLError(code: .limitExceeded, message: "libyaml ran out of memory", file: file)
        default:
            let mark = YAMLMark(
                line: problemMark.line + 1, column: problemMark.column + 1, offset: problemMark.index)
            var message = problem
            if let context {
                message += " \(context)"
                if contextMark.line != problemMark.line || contextMark.column != problemMark.column {
                    message += " (started at line \(contextMark.line + 1), column \(contextMark.column + 1))"
                }
            }
            if character(atLine: problemMark.line, column: problemMark.column) == "\t" {
                message += "; tabs cannot indent YAML, use spaces"
            }
            return YAMLError(code: .syntax, message: message, file: file, mark: mark)
        }
    }

    /// The character at a 0-based line and column, when there is one.
    private func character(atLine line: Int, column: Int) -> Character? {
        var currentLine = 0
        var start = 0
        var index = 0
        while index < input.count, currentLine < line {
            if input[index] == 0x0A {
                currentLine += 1
                start = index + 1
            }
            index += 1
        }
        guard currentLine == line else { return nil }
        var end = start
        while end < input.count, input[end] != 0x0A { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<end]), as: UTF8.self)
        let characters = Array(text)
        return characters.indices.contains(column) ? characters[column] : nil
    }

    /// The 1-based line and column of a byte offset (reader errors carry only the offset).
    static func mark(atByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where input[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return YAMLMark(line: line, column: offset - lineStart + 1, offset: offset)
    }
}
