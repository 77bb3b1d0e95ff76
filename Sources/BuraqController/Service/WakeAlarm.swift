/// The scheduling loop's alarm clock: one pending wake-up at a time, re-armed after every event.
///
/// The loop waits on one event stream (TaskQueue changes, finished polls, wake-ups); the alarm
/// puts a `wake(id)` into that stream when the earliest poll falls due. It is owned by that one
/// loop and never shared. Arming for a later time than the pending wake-up keeps the earlier one
/// (an early wake-up just re-arms); arming for an earlier time replaces it.
struct WakeAlarm {
    private var armed: (deadline: ContinuousClock.Instant, id: UInt64, sleeper: Task<Void, Never>)?
    private var lastID: UInt64 = 0
    private let wake: @Sendable (UInt64) -> Void

    /// - Parameter wake: called with the wake-up's id when it falls due (from another task).
    init(wake: @escaping @Sendable (UInt64) -> Void) {
        self.wake = wake
    }

    /// Makes sure a wake-up comes no later than `deadline`; `nil` cancels the pending one.
    mutating func arm(at deadline: ContinuousClock.Instant?) {
        guard let deadline else { return disarm() }
        if let armed, armed.deadline <= deadline { return }
        disarm()
        lastID += 1
        let id = lastID
        let wake = self.wake
        // An unstructured task, so that a wake-up can be cancelled on its own when an earlier one
        // replaces it; the loop cancels the last one when it ends.
        let sleeper = Task {
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            wake(id)
        }
        armed = (deadline, id, sleeper)
    }

    /// Notes that wake-up `id` arrived; a stale one (already replaced) changes nothing.
    mutating func woke(_ id: UInt64) {
        if armed?.id == id { armed = nil }
    }

    /// Cancels the pending wake-up.
    mutating func disarm() {
        armed?.sleeper.cancel()
        armed = nil
    }
}
