/// A rate-limited work queue for reconcile keys (client-go's `workqueue`): dedupes keys, never
/// hands one key to two workers at once, delays keys (``addAfter(_:_:)``) and requeues failures
/// with per-key exponential backoff under an overall rate limit (``addRateLimited(_:)``).
///
/// ```swift
/// while let key = await queue.get() {
///     do { try await reconcile(key); await queue.forget(key) } catch { await queue.addRateLimited(key) }
///     await queue.done(key)
/// }
/// ```
public actor WorkQueue<Key: Hashable & Sendable> {
    private var state = WorkQueueState<Key>()
    private var limiter: WorkQueueRateLimiter<Key>
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var delayed: [Key: (deadline: Duration, task: Task<Void, Never>)] = [:]
    private var shuttingDown = false
    private let clock: any KubeClock

    public init(rateLimiter: WorkQueueRateLimiter<Key> = WorkQueueRateLimiter(), clock: any KubeClock = SystemKubeClock()) {
        limiter = rateLimiter
        self.clock = clock
    }

    /// Queues `key` unless it is already waiting.
    public func add(_ key: Key) {
        guard !shuttingDown else { return }
        if state.add(key) { wake() }
    }

    /// Queues `key` after `delay`; an earlier pending delay for the same key wins.
    public func addAfter(_ key: Key, _ delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { return add(key) }
        let deadline = clock.now + delay
        if let pending = delayed[key], pending.deadline <= deadline { return }
        delayed[key]?.task.cancel()
        let clock = self.clock
        let task = Task { [weak self] in
            do { try await clock.sleep(for: delay) } catch { return }
            await self?.fire(key, deadline: deadline)
        }
        delayed[key] = (deadline, task)
    }

    /// Queues `key` after its backoff: 5 ms, 10 ms, 20 ms, ... up to 1000 s, and no faster than the overall limit.
    public func addRateLimited(_ key: Key) {
        let delay = limiter.when(key, now: clock.now)
        addAfter(key, delay)
    }

    /// `key` succeeded: forget its failures.
    public func forget(_ key: Key) {
        limiter.forget(key)
    }

    /// Failures of `key` since it last succeeded.
    public func retries(_ key: Key) -> Int {
        limiter.retries(key)
    }

    /// The next key; waits while the queue is empty; nil once shut down.
    public func get() async -> Key? {
        if let key = state.get() { return key }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The worker finished `key` (whatever the outcome).
    public func done(_ key: Key) {
        if state.done(key) { wake() }
    }

    /// Wakes every waiting `get` with nil and drops delayed keys.
    public func shutDown() {
        shuttingDown = true
        for (_, pending) in delayed { pending.task.cancel() }
        delayed = [:]
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume(returning: nil) }
    }

    /// Keys waiting to be handed out (not counting delayed ones).
    public var count: Int { state.count }
    /// Keys waiting for their delay.
    public var delayedCount: Int { delayed.count }

    private func fire(_ key: Key, deadline: Duration) {
        guard let pending = delayed[key], pending.deadline == deadline else { return }
        delayed[key] = nil
        add(key)
    }

    private func wake() {
        while !waiters.isEmpty, let key = state.get() {
            waiters.removeFirst().resume(returning: key)
        }
    }
}
