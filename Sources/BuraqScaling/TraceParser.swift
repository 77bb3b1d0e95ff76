/// Reads metric traces for the simulator: CSV with the header `time,backlog,inFlight`
/// (columns in any order), or JSON, an array of objects with the same fields.
///
/// `time` is seconds since the start of the trace (up to 3 decimals) and must increase from
/// sample to sample; `backlog` and `inFlight` are non-negative integers, and an empty CSV field,
/// JSON `null` or an absent JSON field means unknown. CSV lines that are empty or start with `#`
/// are skipped.
public enum TraceParser: Sendable {
    /// The two trace formats.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated values with a header.
        case csv
        /// A JSON array of objects.
        case json
    }

    /// The trace's field names.
    static let fields = ["time", "backlog", "inFlight"]

    /// Parses `text` as `format`, or guesses it (JSON when it starts with `[`).
    public static func parse(
        _ text: String, source: String = "<trace>", format: Format? = nil
    ) throws(TraceParseError) -> [TraceSample] {
        let guessed = format ?? (text.drop { $0.isWhitespace }.first == "[" ? .json : .csv)
        switch guessed {
        case .csv: return try parseCSV(text, source: source)
        case .json: return try parseJSON(text, source: source)
        }
    }

    /// Parses JSON.
    public static func parseJSON(_ text: String, source: String = "<trace>") throws(TraceParseError) -> [TraceSample] {
        try JSONTraceReader.parse(text, source: source)
    }

    /// Parses CSV.
    public static func parseCSV(_ text: String, source: String = "<trace>") throws(TraceParseError) -> [TraceSample] {
        var columns: [String]?
        var samples: [TraceSample] = []
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            }
            guard let header = columns else {
                columns = try header(cells, source: source, line: lineNumber)
                continue
            }
            guard cells.count == header.count else {
                throw TraceParseError(
                    code: .wrongFieldCount, source: source, line: lineNumber,
                    message: "expected \(header.count) fields (\(header.joined(separator: ","))), got \(cells.count)")
            }
            var row = SampleFields(source: source, line: lineNumber)
            for (name, cell) in zip(header, cells) {
                try row.set(name, cell.isEmpty ? nil : cell)
            }
            try append(row.sample(), to: &samples, source: source, line: lineNumber)
        }
        guard !samples.isEmpty else {
            throw TraceParseError(
                code: .empty, source: source, line: max(lineNumber, 1),
                message: columns == nil ? "expected the header time,backlog,inFlight and samples, found nothing" : "no samples after the header")
        }
        return samples
    }

    private static func header(_ cells: [String], source: String, line: Int) throws(TraceParseError) -> [String] {
        for cell in cells where !fields.contains(cell) {
            throw TraceParseError(
                code: .badHeader, source: source, line: line, field: cell,
                message: "unknown column; expected the header time,backlog,inFlight")
        }
        for name in fields where !cells.contains(name) {
            throw TraceParseError(
                code: .badHeader, source: source, line: line, field: name,
                message: "missing column; expected the header time,backlog,inFlight")
        }
        guard Set(cells).count == cells.count else {
            throw TraceParseError(code: .badHeader, source: source, line: line, message: "a column appears twice")
        }
        return cells
    }

    /// Appends `sample` after checking that time increases.
    static func append(
        _ sample: TraceSample, to samples: inout [TraceSample], source: String, line: Int
    ) throws(TraceParseError) {
        if let previous = samples.last, sample.time <= previous.time {
            throw TraceParseError(
                code: .timeNotIncreasing, source: source, line: line, field: "time",
                message: "\(sample.time.description) is not after the previous sample's \(previous.time.description)")
        }
        samples.append(sample)
    }
}

/// The fields of one sample as they are read, with their checks.
struct SampleFields {
    let source: String
    /// The line errors name.
    var line: Int
    var time: ScalingTime?
    var backlog: Int64?
    var inFlight: Int64?

    init(source: String, line: Int) {
        self.source = source
        self.line = line
    }

    /// Sets field `name` from its text (`nil`: unknown).
    mutating func set(_ name: String, _ text: String?) throws(TraceParseError) {
        switch name {
        case "time":
            guard let text, let value = Self.milliseconds(fromSeconds: text) else {
                throw badValue(name, "expected seconds since the start of the trace (e.g. 12 or 12.5, at most 3 decimals), got \(Self.quoted(text))")
            }
            time = ScalingTime(milliseconds: value)
        case "backlog", "inFlight":
            var value: Int64?
            if let text {
                guard let count = Int64(text), count >= 0 else {
                    throw badValue(name, "expected a non-negative integer, or nothing for unknown, got \(Self.quoted(text))")
                }
                value = count
            }
            if name == "backlog" { backlog = value } else { inFlight = value }
        default:
            throw unknownField(name)
        }
    }

    func sample() throws(TraceParseError) -> TraceSample {
        guard let time else {
            throw TraceParseError(code: .missingField, source: source, line: line, field: "time", message: "every sample needs a time")
        }
        return TraceSample(time: time, backlog: backlog, inFlight: inFlight)
    }

    /// An `unknownField` error for `field` at the current line.
    func unknownField(_ field: String) -> TraceParseError {
        TraceParseError(
            code: .unknownField, source: source, line: line, field: field,
            message: "unknown field; a sample has time, backlog and inFlight")
    }

    /// A `badValue` error for `field` at the current line.
    func badValue(_ field: String, _ message: String) -> TraceParseError {
        TraceParseError(code: .badValue, source: source, line: line, field: field, message: message)
    }

    private static func quoted(_ text: String?) -> String {
        text.map { "\"\($0)\"" } ?? "nothing"
    }

    /// "12.5" → 12500; `nil` unless digits with an optional dot and at most 3 decimals.
    static func milliseconds(fromSeconds text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let wholeText = parts.first, !wholeText.isEmpty,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(wholeText), whole < 9_000_000_000_000
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int64(digits + String(repeating: "0", count: 3 - digits.count))
            else { return nil }
            fraction = value
        }
        return whole * 1000 + fraction
    }
}
