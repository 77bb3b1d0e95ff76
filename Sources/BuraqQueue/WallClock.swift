import Glibc
import FoundationEssentials
import Synchronization

/// Wall-clock time in milliseconds since the Unix epoch: the unit of `enqueued_at`, deadlines and
/// due times on the wire. Injected so tests can control it.
public protocol WallClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Task ids: 32 lowercase hex digits. The first 16 are random per process (drawn once from the
/// system's generator), the last 16 a counter starting at a random value, so ids are unique
/// without a system call per id.
public enum TaskID: Sendable {
    private static let prefix: String = {
        var rng = SystemRandomNumberGenerator()
        return hex(rng.next())
    }()
    private static let counter: Atomic<UInt64> = {
        var rng = SystemRandomNumberGenerator()
        return Atomic(rng.next() >> 1)
    }()

    public static func generate() -> String {
        prefix + hex(counter.add(1, ordering: .relaxed).newValue)
    }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
