import BuraqQueue
import Synchronization

/// A wall clock tests move by hand: it stands still until ``set(_:)``, so anything measured
/// against it (token buckets, due times, ages) does not depend on how fast the machine runs.
public final class ManualWallClock: WallClock {
    private let now: Atomic<Int64>

    /// A clock reading `start` milliseconds since the Unix epoch.
    public init(_ start: Int64) { now = Atomic(start) }

    public func nowMilliseconds() -> Int64 { now.load(ordering: .relaxed) }

    /// Moves the clock to `ms` milliseconds since the Unix epoch.
    public func set(_ ms: Int64) { now.store(ms, ordering: .relaxed) }
}
