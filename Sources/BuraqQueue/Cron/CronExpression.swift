import BuraqBase
import FoundationEssentials

/// A cron expression, evaluated in UTC.
///
/// Five fields `minute hour day-of-month month day-of-week`, or six with a leading `second`
/// field. Each field is `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`, or a
/// comma-separated list of these. Months accept `JAN`–`DEC`, days of the week `SUN`–`SAT`
/// (`0` and `7` are both Sunday). As in Vixie cron, when both day fields are restricted a day
/// matching either runs. Shorthands: `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
/// (`@midnight`), `@hourly`.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    private let seconds: UInt64
    private let minutes: UInt64
    private let hours: UInt64
    private let daysOfMonth: UInt64
    private let months: UInt64
    private let daysOfWeek: UInt64
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool

    public var description: String { source }

    /// Parses an expression.
    /// - Throws: ``QueueError`` `.invalidArgument` naming the field, the text and what was expected.
    public init(_ text: String) throws(QueueError) {
        source = text
        let trimmed = text.trimmedWhitespace
        let shorthands = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                          "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let e = shorthands[trimmed.lowercased()] else {
                throw Self.error(text, nil, "unknown shorthand '\(trimmed)'; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly")
            }
            expanded = e
        }
        var fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw Self.error(text, nil, "has \(fields.count) fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)")
        }
        if fields.count == 5 { fields.insert("0", at: 0) }
        seconds = try Self.parse(fields[0], .second, text)
        minutes = try Self.parse(fields[1], .minute, text)
        hours = try Self.parse(fields[2], .hour, text)
        daysOfMonth = try Self.parse(fields[3], .dayOfMonth, text)
        months = try Self.parse(fields[4], .month, text)
        var dow = try Self.parse(fields[5], .dayOfWeek, text)
        if dow & (1 << 7) != 0 { dow = (dow | 1) & ~(1 << 7) }  // 7 is Sunday too
        daysOfWeek = dow
        dayOfMonthRestricted = fields[3] != "*" && fields[3] != "?"
        dayOfWeekRestricted = fields[5] != "*" && fields[5] != "?"
    }

    /// The first tick strictly after `milliseconds` (ms since the epoch), or nil when there is
    /// none within five years (e.g. `0 0 30 2 *`).
    public func next(after milliseconds: Int64) -> Int64? {
        var t = CivilTime(epochSeconds: CivilTime.floorDiv(milliseconds, 1000) + 1)
        let limit = t.year + 5
        while t.year <= limit {
            if !has(months, t.month) {
                t.day = 32; t.hour = 0; t.minute = 0; t.second = 0
            } else if !dayMatches(t) {
                t.day += 1; t.hour = 0; t.minute = 0; t.second = 0
            } else if !has(hours, t.hour) {
                t.hour += 1; t.minute = 0; t.second = 0
            } else if !has(minutes, t.minute) {
                t.minute += 1; t.second = 0
            } else if !has(seconds, t.second) {
                t.second += 1
            } else {
                return t.epochSeconds * 1000
            }
            Self.carry(&t)
        }
        return nil
    }

    /// The last tick at or before `milliseconds`, or nil when there is none within five years.
    public func previous(atOrBefore milliseconds: Int64) -> Int64? {
        var t = CivilTime(epochSeconds: CivilTime.floorDiv(milliseconds, 1000))
        let limit = t.year - 5
        while t.year >= limit {
            if !has(months, t.month) {
                t.day = 0; t.hour = 23; t.minute = 59; t.second = 59
            } else if !dayMatches(t) {
                t.day -= 1; t.hour = 23; t.minute = 59; t.second = 59
            } else if !has(hours, t.hour) {
                t.hour -= 1; t.minute = 59; t.second = 59
            } else if !has(minutes, t.minute) {
                t.minute -= 1; t.second = 59
            } else if !has(seconds, t.second) {
                t.second -= 1
            } else {
                return t.epochSeconds * 1000
            }
            Self.borrow(&t)
        }
        return nil
    }

    private func has(_ set: UInt64, _ value: Int) -> Bool { set & (1 << UInt64(value)) != 0 }

    private func dayMatches(_ t: CivilTime) -> Bool {
        guard t.day <= CivilTime.daysIn(month: t.month, year: t.year) else { return false }
        let dom = has(daysOfMonth, t.day)
        let dow = has(daysOfWeek, t.weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return dom || dow
        case (true, false): return dom
        case (false, true): return dow
        case (false, false): return true
        }
    }

    private static func carry(_ t: inout CivilTime) {
        if t.second > 59 { t.second = 0; t.minute += 1 }
        if t.minute > 59 { t.minute = 0; t.hour += 1 }
        if t.hour > 23 { t.hour = 0; t.day += 1 }
        if t.day > CivilTime.daysIn(month: t.month, year: t.year) { t.day = 1; t.month += 1 }
        if t.month > 12 { t.month = 1; t.year += 1 }
    }

    private static func borrow(_ t: inout CivilTime) {
        if t.second < 0 { t.second = 59; t.minute -= 1 }
        if t.minute < 0 { t.minute = 59; t.hour -= 1 }
        if t.hour < 0 { t.hour = 23; t.day -= 1 }
        if t.day < 1 {
            t.month -= 1
            if t.month < 1 { t.month = 12; t.year -= 1 }
            t.day = CivilTime.daysIn(month: t.month, year: t.year)
        }
    }

    // MARK: - Parsing

    private enum Field: String {
        case second, minute, hour, dayOfMonth = "day-of-month", month, dayOfWeek = "day-of-week"

        var range: ClosedRange<Int> {
            switch self {
            case .second, .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: return ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: return ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: return []
            }
        }
    }

    private static func parse(_ text: String, _ field: Field, _ expression: String) throws(QueueError) -> UInt64 {
        var set: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw error(expression, field, "'\(text)' has an empty list item") }
            var rangeText = part
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                rangeText = String(part[..<slash])
                let stepText = String(part[part.index(after: slash)...])
                guard let s = Int(stepText), s >= 1, s <= field.range.upperBound + 1 else {
                    throw error(expression, field, "step '\(stepText)' in '\(part)' must be a number from 1 to \(field.range.upperBound + 1)")
                }
                step = s
            }
            let low: Int, high: Int
            if rangeText == "*" || rangeText == "?" {
                low = field.range.lowerBound
                high = field == .dayOfWeek ? 6 : field.range.upperBound
            } else if let dash = rangeText.firstIndex(of: "-") {
                low = try value(String(rangeText[..<dash]), field, expression)
                high = try value(String(rangeText[rangeText.index(after: dash)...]), field, expression)
                guard low <= high else { throw error(expression, field, "range '\(rangeText)' runs backwards; expected low-high") }
            } else {
                low = try value(rangeText, field, expression)
                high = part.contains("/") ? (field == .dayOfWeek ? 6 : field.range.upperBound) : low
            }
            for v in stride(from: low, through: high, by: step) { set |= 1 << UInt64(v) }
        }
        return set
    }

    private static func value(_ text: String, _ field: Field, _ expression: String) throws(QueueError) -> Int {
        if let i = field.names.firstIndex(of: text.uppercased()) {
            return field == .month ? i + 1 : i
        }
        guard let v = Int(text) else {
            let names = field.names.isEmpty ? "" : " or a name \(field.names.first!)–\(field.names.last!)"
            throw error(expression, field, "'\(text)' is not a number\(names)")
        }
        guard field.range.contains(v) else {
            throw error(expression, field, "value \(v) is out of range \(field.range.lowerBound)–\(field.range.upperBound)")
        }
        return v
    }

    private static func error(_ expression: String, _ field: Field?, _ detail: String) -> QueueError {
        var context = ["expression": expression]
        if let field { context["field"] = field.rawValue }
        let prefix = field.map { "Cron expression '\(expression)', field \($0.rawValue): " } ?? "Cron expression '\(expression)' "
        return QueueError(code: .invalidArgument, message: prefix + detail, context: context)
    }
}
