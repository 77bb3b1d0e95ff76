@testable import BuraqQueue
import Foundation
import Logging
import Testing

/// Both log formats carry the same keys, sorted, with the event's metadata over the handler's and
/// `err` last in line with the others; values are escaped so every line parses.
struct LineLogHandlerTests {
    struct Failure: Error, CustomStringConvertible { var description: String { "boom \"x\"" } }

    func handler(_ format: LineLogHandler.Format) -> LineLogHandler {
        var handler = LineLogHandler(label: "buraq.test", format: format)
        handler.metadata = ["queue": "emails", "taskQueue": "default/emails"]
        return handler
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        let line = handler(.logfmt).render(
            level: .info, message: "Scaled workers", metadata: ["replicas": "4", "queue": "orders", "detail": "a=b c\nd"],
            error: Failure(), timestamp: "2026-12-03T10:00:00.123Z")
        #expect(line == #"ts=2026-12-03T10:00:00.123Z level=info msg="Scaled workers" detail="a=b c\nd" err="boom \"x\"" queue=orders replicas=4 taskQueue=default/emails"# + "\n")
    }

    @Test func jsonIsOneParsableObjectWithTheSameKeys() throws {
        let line = handler(.json).render(
            level: .warning, message: "Cannot reach \"Redis\"", metadata: ["replicas": "4", "control": "\u{1}\t"], error: nil,
            timestamp: "2026-12-03T10:00:00.123Z")
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == [
            "ts": "2026-12-03T10:00:00.123Z", "level": "warning", "msg": "Cannot reach \"Redis\"", "logger": "buraq.test",
            "queue": "emails", "taskQueue": "default/emails", "replicas": "4", "control": "\u{1}\t",
        ])
        // Keys after the fixed four come sorted.
        let order = ["\"control\"", "\"queue\"", "\"replicas\"", "\"taskQueue\""].map { line.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func timestampIsRFC3339WithMillisecondsInUTC() {
        let ts = LineLogHandler.timestamp()
        #expect(ts.count == 24 && ts.hasSuffix("Z") && ts.dropFirst(10).first == "T" && ts.dropFirst(19).first == ".")
    }
}
