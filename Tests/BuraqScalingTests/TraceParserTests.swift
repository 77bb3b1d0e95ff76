import BuraqScaling
import Testing

struct TraceParserTests {
    @Test func csvWithReorderedColumnsCommentsAndUnknowns() throws {
        let text = "# a comment\r\ninFlight,time,backlog\r\n\r\n2,0,10\r\n,1.5,\r\n0,2.25,0\r\n"
        let samples = try TraceParser.parse(text, source: "t.csv")
        #expect(
            samples == [
                TraceSample(time: .seconds(0), backlog: 10, inFlight: 2),
                TraceSample(time: ScalingTime(milliseconds: 1500), backlog: nil, inFlight: nil),
                TraceSample(time: ScalingTime(milliseconds: 2250), backlog: 0, inFlight: 0),
            ])
    }

    @Test func jsonArrayOfObjects() throws {
        let text = """
            [
              {"time": 0, "backlog": 10, "inFlight": 2},
              {"time": 1.5, "backlog": null},
              {"inFlight": 0, "time": 3, "backlog": 0}
            ]
            """
        let samples = try TraceParser.parse(text, source: "t.json")
        #expect(
            samples == [
                TraceSample(time: .seconds(0), backlog: 10, inFlight: 2),
                TraceSample(time: ScalingTime(milliseconds: 1500), backlog: nil, inFlight: nil),
                TraceSample(time: .seconds(3), backlog: 0, inFlight: 0),
            ])
        #expect(try TraceParser.parseJSON(text) == samples)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var format: TraceParser.Format
        var error: String
        var testDescription: String { name }
    }

    /// Every error names the file, the line and (where there is one) the field.
    @Test(arguments: [
        ErrorCase(name: "empty", text: "", format: .csv, error: "f:1: expected the header time,backlog,inFlight and samples, found nothing"),
        ErrorCase(name: "header only", text: "time,backlog,inFlight\n", format: .csv, error: "f:2: no samples after the header"),
        ErrorCase(name: "unknown column", text: "time,backlg,inFlight\n0,1,2\n", format: .csv, error: "f:1: field backlg: unknown column; expected the header time,backlog,inFlight"),
        ErrorCase(name: "missing column", text: "time,backlog\n0,1\n", format: .csv, error: "f:1: field inFlight: missing column; expected the header time,backlog,inFlight"),
        ErrorCase(name: "repeated column", text: "time,backlog,inFlight,time\n", format: .csv, error: "f:1: a column appears twice"),
        ErrorCase(name: "field count", text: "time,backlog,inFlight\n0,1,2\n1,2\n", format: .csv, error: "f:3: expected 3 fields (time,backlog,inFlight), got 2"),
        ErrorCase(name: "bad backlog", text: "time,backlog,inFlight\n0,lots,2\n", format: .csv, error: "f:2: field backlog: expected a non-negative integer, or nothing for unknown, got \"lots\""),
        ErrorCase(name: "negative in flight", text: "time,backlog,inFlight\n0,1,-2\n", format: .csv, error: "f:2: field inFlight: expected a non-negative integer, or nothing for unknown, got \"-2\""),
        ErrorCase(name: "missing time", text: "time,backlog,inFlight\n,1,2\n", format: .csv, error: "f:2: field time: expected seconds since the start of the trace (e.g. 12 or 12.5, at most 3 decimals), got nothing"),
        ErrorCase(name: "too precise time", text: "time,backlog,inFlight\n0.0001,1,2\n", format: .csv, error: "f:2: field time: expected seconds since the start of the trace (e.g. 12 or 12.5, at most 3 decimals), got \"0.0001\""),
        ErrorCase(name: "time going back", text: "time,backlog,inFlight\n5,1,2\n5,1,2\n", format: .csv, error: "f:3: field time: 5s is not after the previous sample's 5s"),
        ErrorCase(name: "malformed JSON", text: "[\n {\"time\": 0,\n  \"backlog\": 1\n ,]", format: .json, error: "f:4: expected a field name in quotes, found ']'"),
        ErrorCase(name: "unterminated JSON", text: "[{\"time\": 0}", format: .json, error: "f:1: expected ',' or ']', found the end of the text"),
        ErrorCase(name: "not an array", text: "{\"time\": 0}", format: .json, error: "f:1: expected an array of samples like [{\"time\": 0, \"backlog\": 10, \"inFlight\": 2}]"),
        ErrorCase(name: "element not an object", text: "[\n1]", format: .json, error: "f:2: sample 1 is not an object with time, backlog and inFlight"),
        ErrorCase(name: "unknown field", text: "[{\"time\": 0,\n \"backlogg\": 1}]", format: .json, error: "f:2: field backlogg: unknown field; a sample has time, backlog and inFlight"),
        ErrorCase(name: "string value", text: "[{\"time\": 0, \"backlog\": \"1\"}]", format: .json, error: "f:1: field backlog: expected a number or null, got a string"),
        ErrorCase(name: "fraction where a count is expected", text: "[{\"time\": 0, \"inFlight\": 1.5}]", format: .json, error: "f:1: field inFlight: expected a non-negative integer, or nothing for unknown, got \"1.5\""),
        ErrorCase(name: "duplicate field", text: "[{\"time\": 0, \"time\": 1}]", format: .json, error: "f:1: field time: the field appears twice"),
        ErrorCase(name: "missing time in JSON", text: "[{\"time\": 0},\n{\"backlog\": 1}]", format: .json, error: "f:2: field time: every sample needs a time"),
        ErrorCase(name: "JSON time going back", text: "[{\"time\": 2},\n\n{\"time\": 1}]", format: .json, error: "f:3: field time: 1s is not after the previous sample's 2s"),
        ErrorCase(name: "empty JSON array", text: "[]", format: .json, error: "f:1: the array has no samples"),
    ])
    func errorsNameLineAndField(_ c: ErrorCase) {
        #expect {
            try TraceParser.parse(c.text, source: "f", format: c.format)
        } throws: { error in
            (error as? TraceParseError)?.description == c.error
        }
    }

    @Test func errorCarriesItsParts() {
        #expect(
            throws: TraceParseError(
                code: .badValue, source: "f", line: 2, field: "backlog",
                message: "expected a non-negative integer, or nothing for unknown, got \"x\"")
        ) {
            try TraceParser.parseCSV("time,backlog,inFlight\n0,x,1\n", source: "f")
        }
    }
}
