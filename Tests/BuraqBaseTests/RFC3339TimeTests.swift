import BuraqBase
import BuraqTestSupport
import Glibc
import Testing

struct RFC3339TimeTests {
    /// The text gmtime_r gives for `seconds` after the epoch, as a reference.
    private static func reference(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// 84,000 days take a second or two: on a thread of its own, not the tests' pool.
    @Test func everyDayFrom1970To2200MatchesGmtime() async throws {
        // One instant per day (a different second of the day each time), leap years and
        // century rules included.
        let mismatches = try await onIdleThread {
            var mismatches: [String] = []
            for day in 0..<(230 * 366) {
                let seconds = day * 86_400 + (day * 7919) % 86_400
                let text = RFC3339Time.format(unixMicroseconds: Int64(seconds) * 1_000_000, fractionDigits: 0)
                let expected = Self.reference(seconds)
                if text != expected { mismatches.append("\(seconds): \(text) vs \(expected)") }
                if RFC3339Time.parse(text) != Double(seconds) { mismatches.append("parse \(text)") }
            }
            return mismatches
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func beforeTheEpochRoundsDown() {
        #expect(RFC3339Time.format(unixMicroseconds: -1, fractionDigits: 6) == "1969-12-31T23:59:59.999999Z")
        #expect(RFC3339Time.format(unixMicroseconds: -1_000_000, fractionDigits: 0) == "1969-12-31T23:59:59Z")
        #expect(RFC3339Time.parse("1969-12-31T23:59:59Z") == -1)
    }

    @Test(arguments: [
        (1_764_876_782_123_456 as Int64, 0, "2025-12-04T19:33:02Z"),
        (1_764_876_782_123_456, 3, "2025-12-04T19:33:02.123Z"),
        (1_764_876_782_123_456, 6, "2025-12-04T19:33:02.123456Z"),
        (951_782_400_000_000, 0, "2000-02-29T00:00:00Z"),
        (0, 3, "1970-01-01T00:00:00.000Z"),
    ])
    func fractionDigits(micros: Int64, digits: Int, expected: String) {
        #expect(RFC3339Time.format(unixMicroseconds: micros, fractionDigits: digits) == expected)
    }

    @Test(arguments: [
        ("2026-12-04T07:30:24Z", 1_796_369_424.0),
        ("2026-12-04t07:30:24z", 1_796_369_424.0),
        ("2026-12-04T07:30:24.5Z", 1_796_369_424.5),
        ("2026-12-04T09:30:24+02:00", 1_796_369_424.0),
        ("2026-12-04T02:00:24-05:30", 1_796_369_424.0),
    ])
    func parsesZonesAndFractions(text: String, seconds: Double) {
        #expect(RFC3339Time.parse(text) == seconds)
    }

    @Test(arguments: [
        "", "2026-12-04", "2026-12-04T07:30:24", "2026-13-04T07:30:24Z", "2026-02-30T07:30:24Z",
        "2025-02-29T00:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T07:60:00Z", "2026-12-04T07:30:24.Z",
        "2026-12-04T07:30:24Zjunk", "2026-12-04 07:30:24Z", "2026-12-04T07:30:24+0200", "２026-12-04T07:30:24Z",
    ])
    func rejectsMalformedText(text: String) {
        #expect(RFC3339Time.parse(text) == nil)
    }
}
