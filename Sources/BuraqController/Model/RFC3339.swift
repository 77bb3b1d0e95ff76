import BuraqBase

/// RFC 3339 text in UTC: `metav1.Time` (whole seconds, `2026-12-03T18:59:42Z`) and log timestamps
/// (milliseconds, `2026-12-03T18:59:42.123Z`).
public enum RFC3339: Sendable {
    /// The time `milliseconds` after the Unix epoch; the fraction is dropped unless `fractional`.
    public static func format(milliseconds: Int64, fractional: Bool = false) -> String {
        RFC3339Time.format(unixMicroseconds: milliseconds * 1000, fractionDigits: fractional ? 3 : 0)
    }
}
