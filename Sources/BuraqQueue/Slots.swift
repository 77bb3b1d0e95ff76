import Synchronization

/// Counts free handler slots; the one fetch loop waits here until a slot is free.
final class Slots: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        self.state = Mutex(State(free: capacity))
    }

    var free: Int { state.withLock { $0.free } }
    var inUse: Int { capacity - free }

    /// Suspends until at least one slot is free or ``wake()`` is called.
    func waitForFree() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.free > 0 { return true }
                s.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Takes `count` slots (the caller saw them free).
    func acquire(_ count: Int = 1) { state.withLock { $0.free -= count } }

    func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.free += 1
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Resumes a waiting fetch loop (used on shutdown).
    func wake() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
