/// The HPA's tolerance band around a usage ratio of 1: inside it, nothing changes.
public struct Tolerance: Sendable, Equatable {
    /// How far below 1 the ratio may fall before scaling down.
    public var scaleDown: Double
    /// How far above 1 the ratio may rise before scaling up.
    public var scaleUp: Double

    /// Creates a band.
    public init(scaleDown: Double, scaleUp: Double) {
        self.scaleDown = scaleDown
        self.scaleUp = scaleUp
    }

    /// Whether `ratio` is inside the band; both edges are inside (`isWithin` in the HPA).
    public func contains(_ ratio: Double) -> Bool {
        (1.0 - scaleDown) <= ratio && ratio <= (1.0 + scaleUp)
    }
}
