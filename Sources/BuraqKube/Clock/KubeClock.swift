/// Time for the informer, work queue and leader elector: injected so logic tests need not sleep.
public protocol KubeClock: Sendable {
    /// Time since an arbitrary fixed origin; only differences matter.
    var now: Duration { get }
    func sleep(for duration: Duration) async throws
}

/// The monotonic system clock.
public struct SystemKubeClock: KubeClock {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
