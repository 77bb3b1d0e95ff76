import Foundation

/// RFC 3339 text in UTC: `metav1.Time` (whole seconds, `2026-12-03T18:59:42Z`) and log timestamps
/// (milliseconds, `2026-12-03T18:59:42.123Z`).
public enum RFC3339: Sendable {
    /// The time `milliseconds` after the Unix epoch; the fraction is dropped unless `fractional`.
    public static func format(milliseconds: Int64, fractional: Bool = false) -> String {
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = fractional ? ".\(pad(Int32(((milliseconds % 1000) + 1000) % 1000), 3))" : ""
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))\(fraction)Z"
    }
}
