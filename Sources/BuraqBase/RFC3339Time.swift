/// RFC 3339 timestamps in UTC, by plain arithmetic on the proleptic Gregorian calendar
/// (``CivilTime``): no formatter objects, no locale, nothing from Foundation. `KubeTime` (API
/// timestamps) and the log handlers use it.
public enum RFC3339Time: Sendable {
    /// `micros` after the Unix epoch as `2026-01-02T03:04:05Z`, with `fractionDigits` (0-6)
    /// digits of the second after a `.` when not 0.
    public static func format(unixMicroseconds micros: Int64, fractionDigits: Int) -> String {
        let secondsSinceEpoch = CivilTime.floorDiv(micros, 1_000_000)
        let subsecond = micros - secondsSinceEpoch * 1_000_000
        let t = CivilTime(epochSeconds: secondsSinceEpoch)
        var out = [UInt8]()
        out.reserveCapacity(32)
        func put(_ value: Int, _ width: Int) {
            let start = out.count
            out.append(contentsOf: repeatElement(UInt8(48), count: width))
            var v = value
            var k = start + width - 1
            while k >= start {
                out[k] = UInt8(48 + v % 10)
                v /= 10
                k -= 1
            }
        }
        put(t.year, 4); out.append(45); put(t.month, 2); out.append(45); put(t.day, 2); out.append(84)
        put(t.hour, 2); out.append(58)
        put(t.minute, 2); out.append(58)
        put(t.second, 2)
        if fractionDigits > 0 {
            out.append(46)
            var divisor = 1
            for _ in fractionDigits..<6 { divisor *= 10 }
            put(Int(subsecond) / divisor, fractionDigits)
        }
        out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Seconds since the Unix epoch for `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil for
    /// anything else (bad digits, an impossible date, a missing zone).
    public static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for byte in b[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ i: Int, is c: UInt8) -> Bool { i < b.count && b[i] == c }
        guard let year = number(0, 4), byte(4, is: 45), let month = number(5, 2), byte(7, is: 45),
              let day = number(8, 2), b.count > 10, b[10] == 84 || b[10] == 116,
              let hour = number(11, 2), byte(13, is: 58), let minute = number(14, 2), byte(16, is: 58),
              let second = number(17, 2),
              (1...12).contains(month), (1...CivilTime.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if byte(i, is: 46) {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if byte(i, is: 90) || byte(i, is: 122) {
            i += 1
        } else if byte(i, is: 43) || byte(i, is: 45) {
            guard let h = number(i + 1, 2), byte(i + 3, is: 58), let m = number(i + 4, 2), h < 24, m < 60 else { return nil }
            offset = (h * 60 + m) * 60 * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let t = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Double(t.epochSeconds - Int64(offset)) + fraction
    }
}
