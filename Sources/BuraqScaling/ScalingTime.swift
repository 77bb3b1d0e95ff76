/// A point in time for scaling decisions, in whole milliseconds.
///
/// The origin is the caller's choice: the controller passes milliseconds since the Unix epoch,
/// the simulator passes milliseconds since the start of a trace. The algorithm only ever
/// subtracts two times, so any fixed origin works as long as one history uses one origin.
/// Encoded in JSON as a plain integer.
public struct ScalingTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since the origin.
    public var milliseconds: Int64

    /// A time `milliseconds` after the origin.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// A time `seconds` after the origin.
    public static func seconds(_ seconds: Int64) -> ScalingTime {
        ScalingTime(milliseconds: seconds * 1000)
    }

    /// This time moved by `seconds` (negative moves it back).
    public func adding(seconds: Int64) -> ScalingTime {
        ScalingTime(milliseconds: milliseconds + seconds * 1000)
    }

    /// This time moved by `milliseconds` (negative moves it back).
    public func adding(milliseconds delta: Int64) -> ScalingTime {
        ScalingTime(milliseconds: milliseconds + delta)
    }

    /// Milliseconds from `earlier` to this time (negative when `earlier` is later).
    public func milliseconds(since earlier: ScalingTime) -> Int64 {
        milliseconds - earlier.milliseconds
    }

    /// Whether a record taken at this time still counts in a window of `seconds` that ends at `now`.
    ///
    /// This is the HPA's `timestamp.After(now - window)`: the age must be strictly below the
    /// window, so a record exactly `seconds` old no longer counts, and a 0 s window holds nothing.
    public func isInWindow(seconds: Int32, endingAt now: ScalingTime) -> Bool {
        now.milliseconds(since: self) < Int64(seconds) * 1000
    }

    public static func < (lhs: ScalingTime, rhs: ScalingTime) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }

    /// Seconds since the origin, e.g. `12.5s`.
    public var description: String {
        "\(DecimalText.seconds(milliseconds: milliseconds))s"
    }
}
