import BuraqAPI
import BuraqController
import Testing

/// The status writer's bookkeeping, without I/O: time is a number.
@Suite struct StatusWriteQueueTests {
    static func key(_ name: String) -> TaskQueueKey { TaskQueueKey(namespace: "default", name: name) }
    static let a = key("a")
    static let b = key("b")
    static let failure = ControllerError(code: .failedUpdateStatus, message: "Writing the status: 500 InternalError")

    static func status(replicas: Int32 = 1, backlog: Int64 = 0) -> TaskQueueStatus {
        TaskQueueStatus(observedGeneration: 1, backlog: backlog, replicas: replicas, desiredReplicas: replicas)
    }

    static func event(_ reason: String) -> QueueEvent { QueueEvent(type: .normal, reason: reason, message: reason) }

    /// Hands out everything ready and reports every write as `result`; returns the writes.
    static func drain(
        _ queue: inout StatusWriteQueue, now: Duration = .zero, result: StatusWriteResult = .written
    ) -> [StatusWrite] {
        var writes: [StatusWrite] = []
        while case .write(let write) = queue.next(now: now) {
            writes.append(write)
            _ = queue.finished(write, result, now: now)
        }
        return writes
    }

    /// Writes `status` for `key` so that later offers compare with it.
    static func written(_ queue: inout StatusWriteQueue, _ status: TaskQueueStatus, for key: TaskQueueKey) {
        queue.offer(status, for: key)
        _ = drain(&queue)
    }

    @Test func tenUpdatesOfOneKeyBecomeOneWriteOfTheLast() {
        var queue = StatusWriteQueue()
        for backlog in 1...10 { queue.offer(Self.status(backlog: Int64(backlog)), for: Self.a) }
        #expect(queue.queuedStatuses == 1)
        #expect(Self.drain(&queue) == [.status(Self.a, Self.status(backlog: 10))])
        #expect(queue.isEmpty)
        #expect(queue.next(now: .zero) == .idle)
    }

    @Test func aKeyIsNotWrittenTwiceAtOnceAndAChangeDuringTheWriteIsQueuedAfter() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(backlog: 1), for: Self.a)
        guard case .write(let first) = queue.next(now: .zero) else { Issue.record("no write"); return }
        queue.offer(Self.status(backlog: 2), for: Self.a)
        queue.offer(Self.status(backlog: 3), for: Self.a)
        #expect(queue.next(now: .zero) == .idle, "a is being written")
        #expect(queue.queuedStatuses == 1)
        _ = queue.finished(first, .written, now: .zero)
        #expect(queue.next(now: .zero) == .write(.status(Self.a, Self.status(backlog: 3))))
    }

    @Test func structuralChangesGoBeforeFigureRefreshesThenEventsThenRefreshes() {
        var queue = StatusWriteQueue()
        let keys = (0..<5).map { Self.key("q\($0)") }
        for key in keys { Self.written(&queue, Self.status(replicas: 1), for: key) }
        // Four figures-only refreshes, then q4's replica count changes, and an Event.
        for key in keys.prefix(4) { queue.offer(Self.status(replicas: 1, backlog: 7), for: key) }
        queue.offer(Self.event("SuccessfulRescale"), for: keys[4])
        queue.offer(Self.status(replicas: 3), for: keys[4])
        let order = Self.drain(&queue)
        #expect(order.first == .status(keys[4], Self.status(replicas: 3)))
        #expect(order[1] == .event(keys[4], Self.event("SuccessfulRescale"), attempt: 1))
        #expect(order.dropFirst(2).map(\.key) == Array(keys.prefix(4)))
    }

    @Test func aQueuedRefreshBecomesUrgentWhenTheStructureChanges() {
        var queue = StatusWriteQueue()
        Self.written(&queue, Self.status(replicas: 1), for: Self.a)
        Self.written(&queue, Self.status(replicas: 1), for: Self.b)
        queue.offer(Self.status(replicas: 1, backlog: 5), for: Self.a)
        queue.offer(Self.status(replicas: 1, backlog: 5), for: Self.b)
        queue.offer(Self.status(replicas: 2, backlog: 9), for: Self.b)
        #expect(queue.queuedStatuses == 2)
        #expect(Self.drain(&queue) == [
            .status(Self.b, Self.status(replicas: 2, backlog: 9)), .status(Self.a, Self.status(replicas: 1, backlog: 5)),
        ])
    }

    @Test func firstStatusesGoAfterUrgentOnesAndEventsButBeforeRefreshes() {
        var queue = StatusWriteQueue()
        Self.written(&queue, Self.status(replicas: 1), for: Self.a)
        Self.written(&queue, Self.status(replicas: 1), for: Self.b)
        let fresh = (0..<3).map { Self.key("new\($0)") }
        queue.offer(Self.status(replicas: 1, backlog: 5), for: Self.a)  // a refresh
        for key in fresh { queue.offer(Self.status(), for: key) }  // first statuses (as after a start)
        queue.offer(Self.event("E"), for: Self.b)
        queue.offer(Self.status(replicas: 4), for: Self.b)  // a structural change
        #expect(Self.drain(&queue).map(\.key) == [Self.b, Self.b] + fresh + [Self.a])
    }

    @Test func aFirstStatusThatChangesStructureBeforeItIsWrittenBecomesUrgent() {
        var queue = StatusWriteQueue()
        let fresh = (0..<3).map { Self.key("new\($0)") }
        for key in fresh { queue.offer(Self.status(replicas: 0), for: key) }
        queue.offer(Self.status(replicas: 0, backlog: 9), for: fresh[1])  // figures only: stays in place
        queue.offer(Self.status(replicas: 2), for: fresh[2])  // scaled: goes first
        #expect(Self.drain(&queue) == [
            .status(fresh[2], Self.status(replicas: 2)), .status(fresh[0], Self.status(replicas: 0)),
            .status(fresh[1], Self.status(replicas: 0, backlog: 9)),
        ])
    }

    @Test func atMostTheConfiguredNumberOfWritesAreInFlight() {
        var queue = StatusWriteQueue(configuration: StatusWriterConfiguration(concurrentWrites: 2))
        for index in 0..<4 { queue.offer(Self.status(), for: Self.key("q\(index)")) }
        guard case .write(let first) = queue.next(now: .zero), case .write = queue.next(now: .zero) else {
            Issue.record("expected two writes")
            return
        }
        #expect(queue.next(now: .zero) == .idle)
        #expect(queue.writing == 2)
        _ = queue.finished(first, .written, now: .zero)
        guard case .write = queue.next(now: .zero) else { Issue.record("expected a third write"); return }
    }

    @Test func eventsAreNotCoalescedAndTheOldestIsDroppedWhenFull() {
        var queue = StatusWriteQueue(configuration: StatusWriterConfiguration(maxQueuedEvents: 3))
        var dropped = 0
        for index in 0..<5 { dropped += queue.offer(Self.event("E\(index)"), for: Self.a) }
        #expect(dropped == 2)
        #expect(queue.droppedEvents == 2)
        #expect(queue.queuedEvents == 3)
        #expect(Self.drain(&queue) == (2..<5).map { .event(Self.a, Self.event("E\($0)"), attempt: 1) })
    }

    @Test func aFailedStatusIsRetriedWithGrowingBackoffAndLogsAWarningOnceAStreak() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(), for: Self.a)
        var now = Duration.zero
        var levels: [String] = []
        var waits: [Duration] = []
        for _ in 0..<4 {
            guard case .write(let write) = queue.next(now: now) else { Issue.record("no write at \(now)"); return }
            levels.append(queue.finished(write, .failed(Self.failure, retryable: true), now: now).map { "\($0.level)" } ?? "-")
            guard case .wait(let until) = queue.next(now: now) else { Issue.record("no wait"); return }
            waits.append(until - now)
            #expect(queue.queuedStatuses == 1)
            now = until
        }
        #expect(levels == ["warning", "debug", "debug", "debug"])
        #expect(waits == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40)])
        guard case .write(let write) = queue.next(now: now) else { Issue.record("no write"); return }
        let line = queue.finished(write, .written, now: now)
        #expect(line?.message == "Updated status after failures")
        #expect(line?.metadata["failures"] == "4")
        #expect(queue.isEmpty)
        // The streak is over: the next failure warns again and starts from the base delay.
        queue.offer(Self.status(replicas: 2), for: Self.a)
        guard case .write(let again) = queue.next(now: now) else { Issue.record("no write"); return }
        #expect(queue.finished(again, .failed(Self.failure, retryable: true), now: now)?.level == .warning)
        #expect(queue.next(now: now) == .wait(until: now + .milliseconds(5)))
    }

    @Test func theBackoffIsCappedAtTheMaximumDelay() {
        var queue = StatusWriteQueue(configuration: StatusWriterConfiguration(retryMaxDelay: .seconds(60)))
        queue.offer(Self.status(), for: Self.a)
        var now = Duration.zero
        var last = Duration.zero
        for _ in 0..<20 {
            guard case .write(let write) = queue.next(now: now) else { Issue.record("no write"); return }
            _ = queue.finished(write, .failed(Self.failure, retryable: true), now: now)
            guard case .wait(let until) = queue.next(now: now) else { Issue.record("no wait"); return }
            last = until - now
            now = until
        }
        #expect(last == .seconds(60))
    }

    @Test func aNewerStatusSupersedesTheFailedOneAndWaitsOutTheBackoff() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(backlog: 1), for: Self.a)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        queue.offer(Self.status(backlog: 2), for: Self.a)  // arrives during the failing write
        _ = queue.finished(write, .failed(Self.failure, retryable: true), now: .zero)
        queue.offer(Self.status(backlog: 3), for: Self.a)  // and one during the backoff
        #expect(queue.queuedStatuses == 1)
        #expect(queue.next(now: .milliseconds(1)) == .wait(until: .milliseconds(5)))
        #expect(Self.drain(&queue, now: .milliseconds(5)) == [.status(Self.a, Self.status(backlog: 3))])
        #expect(queue.isEmpty)
    }

    @Test func otherKeysAreWrittenWhileOneWaitsForItsRetry() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(), for: Self.a)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        _ = queue.finished(write, .failed(Self.failure, retryable: true), now: .zero)
        queue.offer(Self.status(), for: Self.b)
        #expect(Self.drain(&queue) == [.status(Self.b, Self.status())])
        #expect(queue.next(now: .zero) == .wait(until: .milliseconds(5)))
    }

    @Test func notFoundDropsTheKeyAndWhatWaitsForIt() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(backlog: 1), for: Self.a)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        queue.offer(Self.status(backlog: 2), for: Self.a)
        let line = queue.finished(write, .notFound, now: .zero)
        #expect(line?.level == .debug)
        #expect(queue.isEmpty)
        #expect(queue.trackedKeys == 0)
        #expect(queue.next(now: .zero) == .idle)
    }

    @Test func forgetDropsTheQueuedStatusAndTheMemoryOfTheKey() {
        var queue = StatusWriteQueue()
        Self.written(&queue, Self.status(), for: Self.a)
        Self.written(&queue, Self.status(), for: Self.b)
        queue.offer(Self.status(backlog: 4), for: Self.a)
        #expect(queue.trackedKeys == 2)
        queue.forget(Self.a)
        #expect(queue.queuedStatuses == 0)
        #expect(queue.trackedKeys == 1)
        #expect(queue.next(now: .zero) == .idle)
        // Forgotten while being written: the entry goes when the write finishes.
        queue.offer(Self.status(backlog: 5), for: Self.b)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        queue.forget(Self.b)
        _ = queue.finished(write, .failed(Self.failure, retryable: true), now: .zero)
        #expect(queue.trackedKeys == 0)
        #expect(queue.isEmpty)
        // Re-created under the same key: its first status is written again.
        queue.offer(Self.status(), for: Self.a)
        #expect(Self.drain(&queue) == [.status(Self.a, Self.status())])
    }

    @Test func memoryPerKeyStaysOneEntryWhateverTheNumberOfUpdates() {
        var queue = StatusWriteQueue()
        for round in 0..<50 {
            for index in 0..<100 { queue.offer(Self.status(backlog: Int64(round)), for: Self.key("q\(index)")) }
            _ = Self.drain(&queue)
        }
        #expect(queue.trackedKeys == 100)
        #expect(queue.isEmpty)
    }

    @Test func notTheLeaderDropsEverythingQueued() {
        var queue = StatusWriteQueue()
        queue.offer(Self.status(), for: Self.a)
        guard case .write(let inFlight) = queue.next(now: .zero) else { Issue.record("no write"); return }
        queue.offer(Self.status(), for: Self.b)
        queue.offer(Self.event("E"), for: Self.a)
        let dropped = queue.dropQueued()
        #expect(dropped.statuses == 1 && dropped.events == 1)
        #expect(queue.droppedEvents == 1)
        #expect(queue.next(now: .zero) == .idle)
        _ = queue.finished(inFlight, .written, now: .zero)
        #expect(queue.isEmpty)
        #expect(queue.trackedKeys == 0)
    }

    @Test func aFailedEventIsRetriedFirstAfterItsBackoffAndDroppedAfterTheLastAttempt() {
        var queue = StatusWriteQueue(configuration: StatusWriterConfiguration(maxEventAttempts: 3))
        queue.offer(Self.event("First"), for: Self.a)
        queue.offer(Self.event("Second"), for: Self.a)
        var now = Duration.zero
        for attempt in 1...3 {
            guard case .write(let write) = queue.next(now: now) else { Issue.record("no write"); return }
            #expect(write == .event(Self.a, Self.event("First"), attempt: attempt))
            let line = queue.finished(write, .failed(Self.failure, retryable: true), now: now)
            #expect(line?.level == (attempt == 1 ? .warning : .debug))
            if attempt < 3 {
                guard case .wait(let until) = queue.next(now: now) else { Issue.record("no wait"); return }
                now = until
            } else {
                #expect(line?.metadata["dropped"] == "true")
            }
        }
        #expect(queue.droppedEvents == 1)
        #expect(Self.drain(&queue, now: now + .seconds(1)) == [.event(Self.a, Self.event("Second"), attempt: 1)])
    }

    @Test func anEventFailureNotWorthRetryingDropsIt() {
        var queue = StatusWriteQueue()
        queue.offer(Self.event("E"), for: Self.a)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        _ = queue.finished(write, .failed(Self.failure, retryable: false), now: .zero)
        #expect(queue.droppedEvents == 1)
        #expect(queue.isEmpty)
    }

    @Test func urgentStatusesStillGoWhileEventsWaitOutTheirBackoff() {
        var queue = StatusWriteQueue()
        queue.offer(Self.event("E"), for: Self.a)
        guard case .write(let write) = queue.next(now: .zero) else { Issue.record("no write"); return }
        _ = queue.finished(write, .failed(Self.failure, retryable: true), now: .zero)
        queue.offer(Self.status(), for: Self.b)
        #expect(queue.next(now: .zero) == .write(.status(Self.b, Self.status())))
        #expect(queue.next(now: .zero) == .wait(until: .milliseconds(5)))
    }

    /// What graceful shutdown does: keep handing out until empty; what is left at the deadline is dropped.
    @Test func flushingWritesEverythingQueued() {
        var queue = StatusWriteQueue()
        for index in 0..<10 { queue.offer(Self.status(), for: Self.key("q\(index)")) }
        for index in 0..<3 { queue.offer(Self.event("E\(index)"), for: Self.a) }
        #expect(Self.drain(&queue).count == 13)
        #expect(queue.isEmpty)
    }

    @Test func theStructuralHashFollowsDiffersStructurally() {
        let base = Self.status(replicas: 2, backlog: 1)
        var figures = base
        figures.backlog = 99
        figures.lag = 5
        var generation = base
        generation.observedGeneration = 2
        var condition = base
        condition.conditions = [
            Condition(type: "Ready", status: .true, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Polling", message: "m")
        ]
        var message = condition
        message.conditions?[0].message = "another message"
        var reason = condition
        reason.conditions?[0].reason = "RedisUnavailable"
        // Queued after `base` was written: urgent exactly when it differs structurally.
        for (other, urgent) in [(figures, false), (generation, true), (condition, true), (message, true), (reason, true)] {
            var queue = StatusWriteQueue()
            Self.written(&queue, base, for: Self.a)
            queue.offer(other, for: Self.a)
            queue.offer(Self.status(), for: Self.b)  // a first status: after urgent ones, before refreshes
            let order = Self.drain(&queue).map(\.key)
            #expect(order == (urgent ? [Self.a, Self.b] : [Self.b, Self.a]))
        }
        var queue = StatusWriteQueue()
        Self.written(&queue, condition, for: Self.a)
        queue.offer(message, for: Self.a)
        queue.offer(Self.status(), for: Self.b)
        #expect(Self.drain(&queue).map(\.key) == [Self.b, Self.a], "a message alone is a refresh")
    }
}
