import BuraqBase
import Synchronization

/// RFC 3339 text in UTC: `metav1.Time` (whole seconds, `2026-12-03T18:59:42Z`) and log timestamps
/// (milliseconds, `2026-12-03T18:59:42.123Z`).
public enum RFC3339: Sendable {
    /// The time `milliseconds` after the Unix epoch; the fraction is dropped unless `fractional`.
    public static func format(milliseconds: Int64, fractional: Bool = false) -> String {
        RFC3339Time.format(unixMicroseconds: milliseconds * 1000, fractionDigits: fractional ? 3 : 0)
    }

    /// The whole second `milliseconds` falls in, as ``format(milliseconds:fractional:)`` gives it,
    /// but one `String` for every caller in the same second: the statuses of TaskQueues polled
    /// in the same second keep one copy of their transition and scale times, not one each (the
    /// text is longer than a `String` holds inline).
    public static func sharedSecond(milliseconds: Int64) -> String {
        let second = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        if let text = lastSecond.withLock({ $0?.second == second ? $0?.text : nil }) { return text }
        let text = format(milliseconds: second * 1000)
        lastSecond.withLock { $0 = (second, text) }
        return text
    }

    private static let lastSecond = Mutex<(second: Int64, text: String)?>(nil)
}
