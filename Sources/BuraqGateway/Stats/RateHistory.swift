/// Cumulative counters of one queue at one time.
public struct CounterSample: Sendable, Hashable {
    /// ms since the epoch.
    public var time: Int64
    /// Entries ever added to the queue's streams.
    public var added: Int64
    /// Entries read by the group and acknowledged; nil when Redis does not tell.
    public var acknowledged: Int64?
    /// Sum of the live workers' failed counters.
    public var failed: Int64

    public init(time: Int64, added: Int64, acknowledged: Int64?, failed: Int64) {
        self.time = time
        self.added = added
        self.acknowledged = acknowledged
        self.failed = failed
    }
}

/// The last samples of one queue's counters, and the rates between them. Pure: the sampler
/// passes samples in, tests pass made-up ones.
///
/// Counters that go down (a worker restarted with fresh counters, a stream deleted) count as 0
/// for that step, not as a negative rate.
public struct RateHistory: Sendable, Hashable {
    /// Samples kept (at one a second: the last ten minutes).
    public let capacity: Int
    public private(set) var samples: [CounterSample] = []

    public init(capacity: Int = 600) {
        self.capacity = max(2, capacity)
    }

    public mutating func append(_ sample: CounterSample) {
        if let last = samples.last, sample.time <= last.time { return }
        samples.append(sample)
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    /// Rates between each sample and the one before it.
    public var points: [RatePoint] {
        zip(samples, samples.dropFirst()).map { Self.point(from: $0, to: $1) }
    }

    /// The newest point.
    public var lastPoint: RatePoint? {
        guard samples.count >= 2 else { return nil }
        return Self.point(from: samples[samples.count - 2], to: samples[samples.count - 1])
    }

    /// Rates over the last `windowMilliseconds` (from the oldest sample inside it to the newest).
    public func rates(windowMilliseconds: Int64 = 10_000) -> QueueRates {
        guard let last = samples.last, let first = samples.first(where: { last.time - $0.time <= windowMilliseconds }),
              first.time < last.time else { return QueueRates() }
        // Sum step by step so a counter reset inside the window does not make the total negative.
        var added: Int64 = 0, acked: Int64 = 0, failed: Int64 = 0
        let window = samples.drop { $0.time < first.time }
        for (a, b) in zip(window, window.dropFirst()) {
            added += max(0, b.added - a.added)
            acked += max(0, (b.acknowledged ?? 0) - (a.acknowledged ?? 0))
            failed += max(0, b.failed - a.failed)
        }
        let seconds = Double(last.time - first.time) / 1000
        return QueueRates(enqueuedPerSecond: Double(added) / seconds, processedPerSecond: Double(acked) / seconds,
                          failedPerSecond: Double(failed) / seconds, windowSeconds: seconds)
    }

    private static func point(from a: CounterSample, to b: CounterSample) -> RatePoint {
        let seconds = Double(b.time - a.time) / 1000
        func rate(_ x: Int64?, _ y: Int64?) -> Double {
            guard let x, let y else { return 0 }
            return Double(max(0, y - x)) / seconds
        }
        return RatePoint(t: b.time, enqueued: rate(a.added, b.added), processed: rate(a.acknowledged, b.acknowledged),
                         failed: rate(a.failed, b.failed))
    }
}
