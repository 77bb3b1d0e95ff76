import DequeModule
import BuraqAPI
import BuraqKube

/// The bookkeeping of the ``StatusWriter``, pure: what to write next, coalescing, priority and
/// retries. No I/O; time is passed in.
///
/// - **Coalescing.** Per TaskQueue only the latest status waits; a newer one replaces it. A key
///   is queued once and never written twice at once (client-go's work queue: a status offered
///   while its key is being written waits and is queued when the write finishes).
/// - **Priority.** A status whose structure (generation, replica counts, scale time, conditions'
///   type, status, reason) differs from the last one written for its key is urgent. Urgent
///   statuses go first, then Events, then first statuses (of a TaskQueue this writer has not
///   written yet: all of them after a start, most equal to what the previous leader wrote), then
///   figures-only refreshes. A first status that changes structure before it is written becomes
///   urgent. The writer keeps a hash of the last written structure per key, not the status.
/// - **Events** wait in their own FIFO, bounded: when full the oldest is dropped and counted.
///   They are not coalesced (the reconciler already deduplicates and rate-limits them).
/// - **Retries.** A failed status is retried after the key's backoff (client-go's
///   ``WorkQueueRateLimiter``: base delay doubling up to the cap, under an overall 10 qps); a
///   status offered meanwhile replaces it and goes out at the same time. A 404 drops the key. A
///   failed Event goes back to the front of its FIFO and Events wait out their own backoff;
///   after ``StatusWriterConfiguration/maxEventAttempts`` or a failure not worth retrying it is
///   dropped and counted.
/// - At most ``StatusWriterConfiguration/concurrentWrites`` writes are handed out at once.
public struct StatusWriteQueue: Sendable {
    /// What the writer should do now.
    public enum Next: Sendable, Equatable {
        /// Perform this write, then report it with ``finished(_:_:now:)``.
        case write(StatusWrite)
        /// Nothing to write before this time (a retry falls due).
        case wait(until: Duration)
        /// Nothing to write until something is offered or a write finishes.
        case idle
    }

    private enum Place: Sendable {
        case none, urgent, initial, refresh, delayed
    }

    /// What is kept per TaskQueue between writes: a few bytes (the waiting status is apart).
    private struct Entry: Sendable {
        var place = Place.none
        var writing = false
        /// Deleted while being written: drop the entry when the write finishes.
        var forgotten = false
        /// Hash of the structure of the last status written or, before the first write, of the
        /// first status offered.
        var baseline: Int?
        /// Whether ``baseline`` was written.
        var baselineWritten = false
    }

    private enum BackoffKey: Hashable, Sendable {
        case status(TaskQueueKey)
        case events
    }

    private struct QueuedEvent: Sendable {
        var key: TaskQueueKey
        var event: QueueEvent
        var attempt: Int
    }

    /// Tuning.
    public let configuration: StatusWriterConfiguration
    private var entries: [TaskQueueKey: Entry] = [:]
    /// The latest status not yet handed out, per TaskQueue.
    private var waiting: [TaskQueueKey: TaskQueueStatus] = [:]
    // Lanes hold keys; a key whose entry no longer says it is in that lane is skipped.
    private var urgent = Deque<TaskQueueKey>()
    private var initial = Deque<TaskQueueKey>()
    private var refresh = Deque<TaskQueueKey>()
    private var delayed: [TaskQueueKey: Duration] = [:]
    private var events = Deque<QueuedEvent>()
    private var eventsNotBefore: Duration?
    private var backoff: WorkQueueRateLimiter<BackoffKey>

    /// Statuses waiting (queued or waiting for a retry), not counting writes in flight.
    public var queuedStatuses: Int { waiting.count }
    /// Writes handed out and not yet finished.
    public private(set) var writing = 0
    /// Events dropped since the start: the FIFO was full, retries ran out, not the leader, or shutdown.
    public private(set) var droppedEvents = 0

    /// An empty queue.
    public init(configuration: StatusWriterConfiguration = StatusWriterConfiguration()) {
        self.configuration = configuration
        backoff = WorkQueueRateLimiter(baseDelay: configuration.retryBaseDelay, maxDelay: configuration.retryMaxDelay)
    }

    /// Events waiting.
    public var queuedEvents: Int { events.count }

    /// Nothing waiting and nothing being written.
    public var isEmpty: Bool { queuedStatuses == 0 && events.isEmpty && writing == 0 }

    /// TaskQueues the queue keeps memory for (the last written structure of each, and what waits).
    public var trackedKeys: Int { entries.count }

    // MARK: Input

    /// Takes the latest status of `key`; returns true when a write may start now.
    @discardableResult
    public mutating func offer(_ status: TaskQueueStatus, for key: TaskQueueKey) -> Bool {
        var entry = entries[key] ?? Entry()
        waiting[key] = status
        entry.forgotten = false
        var queued = false
        if !entry.writing {
            let lane = Self.lane(for: status, &entry)
            switch entry.place {
            case .none:
                enqueue(key, lane, &entry)
                queued = true
            case .initial where lane == .urgent, .refresh where lane == .urgent:
                enqueue(key, .urgent, &entry)
                queued = true
            case .initial, .refresh, .urgent, .delayed:
                break
            }
        }
        entries[key] = entry
        return queued
    }

    /// Takes an Event; returns how many were dropped to make room (0 or 1).
    @discardableResult
    public mutating func offer(_ event: QueueEvent, for key: TaskQueueKey) -> Int {
        events.append(QueuedEvent(key: key, event: event, attempt: 1))
        return trimEvents()
    }

    /// `key`'s TaskQueue was deleted: its waiting status is dropped and its memory freed.
    public mutating func forget(_ key: TaskQueueKey) {
        guard let entry = entries[key] else { return }
        waiting[key] = nil
        delayed[key] = nil
        backoff.forget(.status(key))
        entries[key] = entry.writing ? Entry(writing: true, forgotten: true) : nil
    }

    /// Drops everything waiting and what it remembers of written statuses (this controller is not
    /// the leader, or shutdown ran out of time); returns how many statuses and Events were
    /// dropped. Writes in flight finish as usual.
    public mutating func dropQueued() -> (statuses: Int, events: Int) {
        let dropped = (statuses: queuedStatuses, events: events.count)
        events.removeAll()
        droppedEvents += dropped.events
        // The memory of what was written goes too: another leader may write meanwhile.
        for key in entries.keys { backoff.forget(.status(key)) }
        entries = entries.filter(\.value.writing).mapValues { _ in Entry(writing: true, forgotten: true) }
        urgent.removeAll()
        initial.removeAll()
        refresh.removeAll()
        delayed = [:]
        eventsNotBefore = nil
        waiting = [:]
        return dropped
    }

    // MARK: Output

    /// The next write, or how long to wait for one.
    public mutating func next(now: Duration) -> Next {
        guard writing < configuration.concurrentWrites else { return .idle }
        promoteDueRetries(now: now)
        while let key = urgent.popFirst() {
            if entries[key]?.place == .urgent { return hand(key) }
        }
        if !events.isEmpty, (eventsNotBefore ?? now) <= now, let queued = events.popFirst() {
            writing += 1
            return .write(.event(queued.key, queued.event, attempt: queued.attempt))
        }
        while let key = initial.popFirst() {
            if entries[key]?.place == .initial { return hand(key) }
        }
        while let key = refresh.popFirst() {
            if entries[key]?.place == .refresh { return hand(key) }
        }
        var earliest = delayed.values.min()
        if !events.isEmpty, let notBefore = eventsNotBefore {
            earliest = min(earliest ?? notBefore, notBefore)
        }
        return earliest.map { .wait(until: $0) } ?? .idle
    }

    /// Reports how a write handed out by ``next(now:)`` went; returns a line to log, if any.
    public mutating func finished(_ write: StatusWrite, _ result: StatusWriteResult, now: Duration) -> LogLine? {
        writing -= 1
        switch write {
        case .status(let key, let status):
            return finishedStatus(key, status, result, now: now)
        case .event(let key, let event, let attempt):
            return finishedEvent(key, event, attempt: attempt, result, now: now)
        }
    }

    // MARK: Helpers

    private mutating func hand(_ key: TaskQueueKey) -> Next {
        guard var entry = entries[key], let status = waiting.removeValue(forKey: key) else { return .idle }
        // After a burst (every TaskQueue's first status) the storage for all of them goes.
        waiting.shrinkIfSparse()
        entry.place = .none
        entry.writing = true
        entries[key] = entry
        writing += 1
        return .write(.status(key, status))
    }

    /// The lane a status goes to; the first status of a key becomes its provisional baseline.
    private static func lane(for status: TaskQueueStatus, _ entry: inout Entry) -> Place {
        let hash = status.structuralHash
        guard let baseline = entry.baseline else {
            entry.baseline = hash
            return .initial
        }
        if baseline != hash { return .urgent }
        return entry.baselineWritten ? .refresh : .initial
    }

    private mutating func enqueue(_ key: TaskQueueKey, _ lane: Place, _ entry: inout Entry) {
        entry.place = lane
        switch lane {
        case .urgent: urgent.append(key)
        case .initial: initial.append(key)
        case .refresh: refresh.append(key)
        case .none, .delayed: break
        }
    }

    private mutating func promoteDueRetries(now: Duration) {
        guard !delayed.isEmpty else { return }
        defer { if delayed.isEmpty, delayed.capacity > 64 { delayed = [:] } }
        for (key, deadline) in delayed where deadline <= now {
            delayed[key] = nil
            guard var entry = entries[key], entry.place == .delayed, let status = waiting[key] else { continue }
            enqueue(key, Self.lane(for: status, &entry), &entry)
            entries[key] = entry
        }
    }

    private mutating func finishedStatus(
        _ key: TaskQueueKey, _ status: TaskQueueStatus, _ result: StatusWriteResult, now: Duration
    ) -> LogLine? {
        guard var entry = entries[key] else { return nil }
        entry.writing = false
        let failures = backoff.retries(.status(key))
        switch result {
        case .written:
            backoff.forget(.status(key))
            entry.baseline = status.structuralHash
            entry.baselineWritten = true
            if entry.forgotten {
                entries[key] = nil
                return nil
            }
            entries[key] = entry
            if let newer = waiting[key] { offer(newer, for: key) }
            guard failures > 0 else { return nil }
            return LogLine(
                level: .info, message: "Updated status after failures",
                metadata: ["taskQueue": "\(key)", "failures": "\(failures)"])
        case .notFound:
            waiting[key] = nil
            entries[key] = nil
            backoff.forget(.status(key))
            return LogLine(
                level: .debug, message: "Dropped status of a deleted TaskQueue",
                metadata: ["taskQueue": "\(key)", "httpCode": "404"])
        case .failed(let error, _):
            if entry.forgotten {
                entries[key] = nil
                return nil
            }
            if waiting[key] == nil { waiting[key] = status }
            let delay = backoff.when(.status(key), now: now)
            entry.place = .delayed
            entries[key] = entry
            delayed[key] = now + delay
            return LogLine(
                level: failures == 0 ? .warning : .debug, message: "Failed to update status",
                metadata: [
                    "taskQueue": "\(key)", "reason": error.code.rawValue, "detail": error.message,
                    "failures": "\(failures + 1)", "retryInSeconds": Self.seconds(delay),
                ])
        }
    }

    private mutating func finishedEvent(
        _ key: TaskQueueKey, _ event: QueueEvent, attempt: Int, _ result: StatusWriteResult, now: Duration
    ) -> LogLine? {
        let failures = backoff.retries(.events)
        var metadata = ["taskQueue": "\(key)", "eventReason": event.reason, "attempt": "\(attempt)"]
        switch result {
        case .written:
            backoff.forget(.events)
            eventsNotBefore = nil
            guard failures > 0 else { return nil }
            return LogLine(level: .info, message: "Recorded Event after failures", metadata: ["failures": "\(failures)"])
        case .notFound:
            droppedEvents += 1
            metadata["httpCode"] = "404"
            return LogLine(level: .debug, message: "Dropped Event about a deleted TaskQueue", metadata: metadata)
        case .failed(let error, let retryable):
            let delay = backoff.when(.events, now: now)
            metadata["reason"] = error.code.rawValue
            metadata["detail"] = error.message
            metadata["failures"] = "\(failures + 1)"
            if retryable, attempt < configuration.maxEventAttempts {
                events.prepend(QueuedEvent(key: key, event: event, attempt: attempt + 1))
                eventsNotBefore = now + delay
                metadata["retryInSeconds"] = Self.seconds(delay)
                _ = trimEvents()
            } else {
                droppedEvents += 1
                metadata["dropped"] = "true"
            }
            return LogLine(level: failures == 0 ? .warning : .debug, message: "Failed to record Event", metadata: metadata)
        }
    }

    private mutating func trimEvents() -> Int {
        var dropped = 0
        while events.count > configuration.maxQueuedEvents {
            _ = events.popFirst()
            dropped += 1
        }
        droppedEvents += dropped
        return dropped
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
