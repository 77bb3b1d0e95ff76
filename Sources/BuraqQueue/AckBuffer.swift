import Synchronization

/// One stream entry: the stream key and the entry id (ids are unique only within a stream).
struct EntryKey: Hashable, Sendable {
    var stream: String
    var id: String
}

/// Stream entries whose tasks finished, waiting to be acknowledged in one batch.
final class AckBuffer: Sendable {
    private struct State {
        var ids: [EntryKey] = []
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func add(_ id: EntryKey) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.ids.append(id)
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Puts ids back after a failed flush (they are retried first).
    func putBack(_ ids: [EntryKey]) {
        state.withLock { $0.ids.insert(contentsOf: ids, at: 0) }
    }

    /// True when `id` waits to be acknowledged.
    func contains(_ id: EntryKey) -> Bool { state.withLock { $0.ids.contains(id) } }

    var count: Int { state.withLock { $0.ids.count } }

    /// Waits for ids; returns up to `max` of them, or an empty array once closed and drained.
    func next(max: Int) async -> [EntryKey] {
        while true {
            let taken = state.withLock { s -> [EntryKey]? in
                if !s.ids.isEmpty {
                    let n = Swift.min(max, s.ids.count)
                    let batch = Array(s.ids.prefix(n))
                    s.ids.removeFirst(n)
                    return batch
                }
                return s.closed ? [] : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if !s.ids.isEmpty || s.closed { return true }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// No more ids will come: ``next(max:)`` returns what is left, then an empty array.
    func close() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.closed = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
