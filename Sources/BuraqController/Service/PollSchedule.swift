/// When each TaskQueue polls next: a binary min-heap of due times with at most one live entry
/// per key.
///
/// ``ControllerService`` keeps one schedule instead of one sleeping task per TaskQueue, so a
/// TaskQueue between polls costs a heap entry and its reconciler, not a task and its async
/// frames. Rescheduling or removing a key leaves its old heap entry behind as stale (skipped when
/// it reaches the top), which keeps every operation O(log n) without an index.
struct PollSchedule<Key: Hashable & Sendable, Instant: Comparable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var due: Instant
        var key: Key
        var ticket: UInt64
    }

    private var heap: [Entry] = []
    /// The live ticket of each scheduled key; a heap entry with another ticket is stale.
    private var tickets: [Key: UInt64] = [:]
    private var nextTicket: UInt64 = 0

    /// Scheduled keys.
    var count: Int { tickets.count }

    /// Entries in the heap, stale ones included (at most about twice ``count``).
    var storedEntries: Int { heap.count }

    /// Whether `key` is scheduled.
    func contains(_ key: Key) -> Bool { tickets[key] != nil }

    /// Schedules `key` at `due`, replacing an earlier schedule of it.
    mutating func schedule(_ key: Key, at due: Instant) {
        nextTicket += 1
        tickets[key] = nextTicket
        heap.append(Entry(due: due, key: key, ticket: nextTicket))
        siftUp(heap.count - 1)
        compactIfMostlyStale()
    }

    /// Unschedules `key`; returns whether it was scheduled.
    @discardableResult
    mutating func remove(_ key: Key) -> Bool {
        tickets.removeValue(forKey: key) != nil
    }

    /// The earliest due time, if any key is scheduled.
    mutating func nextDue() -> Instant? {
        dropStaleTop()
        return heap.first?.due
    }

    /// Unschedules and returns the key due earliest, if it is due at `now` (due ≤ now).
    mutating func popDue(now: Instant) -> Key? {
        dropStaleTop()
        guard let top = heap.first, top.due <= now else { return nil }
        tickets.removeValue(forKey: top.key)
        removeTop()
        return top.key
    }

    private func isLive(_ entry: Entry) -> Bool { tickets[entry.key] == entry.ticket }

    private mutating func dropStaleTop() {
        while let top = heap.first, !isLive(top) { removeTop() }
    }

    /// Rebuilds the heap from live entries once stale ones outnumber them (many reschedules
    /// before due, or many removals), so the heap stays within twice the scheduled keys.
    private mutating func compactIfMostlyStale() {
        guard heap.count > 64, heap.count > 2 * tickets.count else { return }
        let live = tickets
        heap.removeAll { live[$0.key] != $0.ticket }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.due < b.due || (!(b.due < a.due) && a.ticket < b.ticket)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var first = left
            if left + 1 < heap.count, precedes(heap[left + 1], heap[left]) { first = left + 1 }
            guard precedes(heap[first], heap[parent]) else { return }
            heap.swapAt(first, parent)
            parent = first
        }
    }
}
