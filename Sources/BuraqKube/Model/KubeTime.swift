import BuraqBase
import FoundationEssentials

/// RFC 3339 timestamps as the API server writes them, in UTC (``RFC3339Time`` does the arithmetic).
public enum KubeTime: Sendable {
    /// `metav1.Time`: seconds precision, `2026-01-02T03:04:05Z`.
    public static func format(_ date: Date) -> String {
        RFC3339Time.format(unixMicroseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)), fractionDigits: 0)
    }

    /// `metav1.MicroTime`: microseconds, `2026-01-02T03:04:05.123456Z`.
    public static func formatMicro(_ date: Date) -> String {
        RFC3339Time.format(unixMicroseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)), fractionDigits: 6)
    }

    /// Parses either form (and any offset RFC 3339 allows); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        RFC3339Time.parse(text).map { Date(timeIntervalSince1970: $0) }
    }
}
