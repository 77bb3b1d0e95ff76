import Foundation

/// RFC 3339 timestamps as the API server writes them.
public enum KubeTime: Sendable {
    /// `metav1.Time`: seconds precision, `2026-01-02T03:04:05Z`.
    public static func format(_ date: Date) -> String {
        formatter(fractional: false).string(from: date)
    }

    /// `metav1.MicroTime`: microseconds, `2026-01-02T03:04:05.123456Z`.
    public static func formatMicro(_ date: Date) -> String {
        let seconds = floor(date.timeIntervalSince1970)
        let micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down))
        let base = format(Date(timeIntervalSince1970: seconds))
        return String(base.dropLast()) + "." + String(format: "%06d", micros) + "Z"
    }

    /// Parses either form.
    public static func parse(_ text: String) -> Date? {
        formatter(fractional: true).date(from: text) ?? formatter(fractional: false).date(from: text)
    }

    private static func formatter(fractional: Bool) -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return f
    }
}
