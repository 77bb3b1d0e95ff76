/// The entries whose handlers run, each under a small reusable number (its token), so starting
/// and finishing one is an array store rather than a dictionary update keyed by stream and id.
/// Not synchronised: the worker keeps it under its state lock.
struct InFlightTable {
    /// One running handler's entry.
    struct Entry {
        var key: EntryKey
        var started: ContinuousClock.Instant
        /// With a task timeout: the handler's task, cancelled at `deadline`.
        var handler: Task<Void, any Error>?
        var deadline: ContinuousClock.Instant?
        var timedOut = false
    }

    private var entries: [Entry?] = []
    private var freeTokens: [Int] = []

    init(capacity: Int) {
        entries.reserveCapacity(capacity)
        freeTokens.reserveCapacity(capacity)
    }

    /// Running handlers.
    private(set) var count = 0

    /// Adds an entry; returns its token.
    mutating func insert(_ entry: Entry) -> Int {
        count += 1
        if let token = freeTokens.popLast() {
            entries[token] = entry
            return token
        }
        entries.append(entry)
        return entries.count - 1
    }

    mutating func remove(_ token: Int) {
        guard entries[token] != nil else { return }
        entries[token] = nil
        freeTokens.append(token)
        count -= 1
    }

    /// Arms the deadline of a running handler.
    mutating func arm(_ token: Int, handler: Task<Void, any Error>, deadline: ContinuousClock.Instant) {
        entries[token]?.handler = handler
        entries[token]?.deadline = deadline
    }

    /// Disarms the deadline; true when it had already passed (the handler was cancelled for it).
    mutating func disarm(_ token: Int) -> Bool {
        let timedOut = entries[token]?.timedOut ?? false
        entries[token]?.handler = nil
        entries[token]?.deadline = nil
        return timedOut
    }

    /// Marks the handlers past their deadline as timed out and returns them (to be cancelled).
    mutating func expire(now: ContinuousClock.Instant) -> [Task<Void, any Error>] {
        var expired: [Task<Void, any Error>] = []
        for i in entries.indices {
            guard let e = entries[i], let deadline = e.deadline, deadline <= now, !e.timedOut, let handler = e.handler else { continue }
            entries[i]?.timedOut = true
            expired.append(handler)
        }
        return expired
    }

    func contains(_ key: EntryKey) -> Bool {
        entries.contains { $0?.key == key }
    }

    /// Entries whose handlers started before `instant`.
    func keys(startedBefore instant: ContinuousClock.Instant) -> [EntryKey] {
        entries.compactMap { e in e.flatMap { $0.started < instant ? $0.key : nil } }
    }
}
