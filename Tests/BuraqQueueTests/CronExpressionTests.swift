import BuraqBase
@testable import BuraqQueue
import Testing

/// Cron parsing and tick arithmetic: pure, with times given explicitly (no clock, no Redis).
@Suite struct CronExpressionTests {
    func ms(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
        CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s).epochSeconds * 1000
    }

    func cron(_ text: String) throws -> CronExpression { try CronExpression(text) }

    @Test(arguments: [
        ("61 * * * *", "Cron expression '61 * * * *', field minute: value 61 is out of range 0–59"),
        ("* * *", "Cron expression '* * *' has 3 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)"),
        ("@often", "Cron expression '@often' unknown shorthand '@often'; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"),
        ("5-1 * * * *", "Cron expression '5-1 * * * *', field minute: range '5-1' runs backwards; expected low-high"),
        ("*/0 * * * *", "Cron expression '*/0 * * * *', field minute: step '0' in '*/0' must be a number from 1 to 60"),
        ("0 0 * FOO *", "Cron expression '0 0 * FOO *', field month: 'FOO' is not a number or a name JAN–DEC"),
        ("0 24 * * *", "Cron expression '0 24 * * *', field hour: value 24 is out of range 0–23"),
        ("0 0 0 * *", "Cron expression '0 0 0 * *', field day-of-month: value 0 is out of range 1–31"),
        ("0 0 * * 1,,2", "Cron expression '0 0 * * 1,,2', field day-of-week: '1,,2' has an empty list item"),
    ])
    func badExpressionsNameTheFieldAndWhatWasExpected(_ text: String, _ message: String) {
        #expect(throws: QueueError.self) { try CronExpression(text) }
        do {
            _ = try CronExpression(text)
        } catch {
            #expect(error.message == message)
            #expect(error.code == .invalidArgument)
        }
    }

    @Test func civilTimeRoundTripsAndKnowsWeekdays() {
        #expect(CivilTime(epochSeconds: 0) == CivilTime(year: 1970, month: 1, day: 1))
        #expect(CivilTime(year: 2026, month: 12, day: 3).weekday == 4)  // a Thursday
        #expect(CivilTime(year: 2000, month: 2, day: 29).weekday == 2)  // a Tuesday
        var s: Int64 = -86_400 * 800
        while s < 86_400 * 40_000 {
            #expect(CivilTime(epochSeconds: s).epochSeconds == s)
            s += 86_400 * 7 + 3_601
        }
    }

    @Test func nextTicks() throws {
        #expect(try cron("*/15 * * * *").next(after: ms(2026, 1, 1, 0, 7, 30)) == ms(2026, 1, 1, 0, 15))
        #expect(try cron("*/15 * * * *").next(after: ms(2026, 1, 1, 0, 15)) == ms(2026, 1, 1, 0, 30))
        #expect(try cron("*/15 * * * *").next(after: ms(2026, 12, 31, 23, 59)) == ms(2027, 1, 1))
        // Friday 10:00 → Monday 09:00.
        #expect(try cron("0 9 * * MON-FRI").next(after: ms(2026, 12, 4, 10)) == ms(2026, 12, 7, 9))
        // Leap day.
        #expect(try cron("0 0 29 2 *").next(after: ms(2026, 3, 1)) == ms(2028, 2, 29))
        // Both day fields restricted: either matches (Friday the 4th comes before the 13th).
        #expect(try cron("0 0 13 * FRI").next(after: ms(2026, 12, 1)) == ms(2026, 12, 4))
        // Sunday as 7, names and lists.
        #expect(try cron("30 6 * JAN,JUL 7").next(after: ms(2026, 12, 1)) == ms(2027, 1, 3, 6, 30))
        // Seconds field.
        #expect(try cron("*/10 * * * * *").next(after: ms(2026, 1, 1, 0, 0, 5) + 123) == ms(2026, 1, 1, 0, 0, 10))
        #expect(try cron("@hourly").next(after: ms(2026, 5, 5, 5, 5)) == ms(2026, 5, 5, 6))
        #expect(try cron("@weekly").next(after: ms(2026, 12, 3)) == ms(2026, 12, 6))
        // Never.
        #expect(try cron("0 0 30 2 *").next(after: ms(2026, 1, 1)) == nil)
    }

    @Test func previousTicks() throws {
        #expect(try cron("*/15 * * * *").previous(atOrBefore: ms(2026, 1, 1, 0, 7, 30)) == ms(2026, 1, 1))
        #expect(try cron("*/15 * * * *").previous(atOrBefore: ms(2026, 1, 1, 0, 15)) == ms(2026, 1, 1, 0, 15))
        #expect(try cron("0 9 * * MON-FRI").previous(atOrBefore: ms(2026, 12, 7, 8)) == ms(2026, 12, 4, 9))
        #expect(try cron("0 0 29 2 *").previous(atOrBefore: ms(2027, 1, 1)) == ms(2024, 2, 29))
        #expect(try cron("0 0 1 1 *").previous(atOrBefore: ms(2026, 6, 1)) == ms(2026, 1, 1))
        #expect(try cron("0 0 30 2 *").previous(atOrBefore: ms(2026, 1, 1)) == nil)
    }

    @Test func nextAndPreviousAgreeOnManyExpressionsAndTimes() throws {
        let expressions = ["*/7 * * * *", "0 */5 * * *", "15 3 1,15 * *", "0 0 * * SAT,SUN", "*/20 30 2 * 2 MON", "0 12 28 * *"]
        var t = ms(2026, 1, 1)
        for step in 0..<60 {
            for text in expressions {
                let e = try cron(text)
                guard let n = e.next(after: t), let p = e.previous(atOrBefore: t) else {
                    Issue.record("\(text) has no tick near \(t)")
                    continue
                }
                #expect(n > t && p <= t)
                #expect(e.next(after: p) == n, "\(text) at \(t): next(previous) \(String(describing: e.next(after: p))) != next \(n)")
                #expect(e.previous(atOrBefore: n - 1) == p)
            }
            t += Int64(step) * 3_719_000 + 86_400_000 * 3
        }
    }

    @Test func plannerRunsTheLatestMissedTickOnceAndNothingBeforeCreation() throws {
        let every15 = try cron("*/15 * * * *")
        let created = ms(2026, 1, 1, 0, 7)
        // Before the first tick after creation: nothing.
        #expect(CronPlanner.dueTick(every15, lastRun: nil, createdAt: created, now: ms(2026, 1, 1, 0, 14, 59)) == nil)
        // The first tick.
        #expect(CronPlanner.dueTick(every15, lastRun: nil, createdAt: created, now: ms(2026, 1, 1, 0, 15, 0)) == ms(2026, 1, 1, 0, 15))
        // Already run: nothing until the next tick.
        #expect(CronPlanner.dueTick(every15, lastRun: ms(2026, 1, 1, 0, 15), createdAt: created, now: ms(2026, 1, 1, 0, 29)) == nil)
        // Down for two hours: one run, for the latest missed tick.
        #expect(CronPlanner.dueTick(every15, lastRun: ms(2026, 1, 1, 0, 15), createdAt: created, now: ms(2026, 1, 1, 2, 20)) == ms(2026, 1, 1, 2, 15))
    }
}
