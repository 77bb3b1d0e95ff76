@testable import BuraqController
import Testing

/// Label values in the text exposition format: quoted, with backslash, quote and newline escaped.
@Suite struct MetricsLabelTests {
    @Test(arguments: [
        ("emails", #""emails""#),
        ("", #""""#),
        (#"a\b"#, #""a\\b""#),
        (#"say "hi""#, #""say \"hi\"""#),
        ("two\nlines", #""two\nlines""#),
        ("ünïcödé \u{1F680}", "\"ünïcödé \u{1F680}\""),
        ("\\\"\n", #""\\\"\n""#),
    ])
    func escapes(_ value: String, _ expected: String) {
        #expect(ControllerMetrics.label(value) == expected)
    }
}
