import BuraqQueue
import BuraqRedis
import Synchronization

/// Combines the enqueues of concurrent HTTP requests into few Redis round trips.
///
/// A request's tasks join a per-queue waiting list. While fewer than ``maxInFlight`` flushes
/// run, one starts at once (no added latency when idle); under load, what arrives during a
/// flush goes out together in the next one, as one pipeline. Plain tasks (no delay, no
/// idempotency key) go through ``Producer/submit(_:completion:)``: the flush, its completions and
/// the next flush run on the Redis client's thread, with no task on the cooperative pool; other
/// batches through the async ``Producer/submit(_:)``. If a combined flush fails, its requests
/// are retried one by one so one bad request cannot fail the others.
public final class EnqueueCoalescer: Sendable {
    /// Flushes running at once (match the Redis client's pool size).
    public let maxInFlight: Int
    /// Most tasks in one flush.
    public let maxBatch: Int
    private let redis: RedisClient
    private let clock: any WallClock
    private let state = Mutex(State())

    /// Called once with a request's results, on the thread that ran the flush.
    public typealias Completion = @Sendable (Result<[EnqueueResult], QueueError>) -> Void

    private struct Waiter {
        var requests: [TaskRequest]
        var complete: Completion
    }

    private struct State {
        var waiting: [String: [Waiter]] = [:]
        var inFlight = 0
    }

    public init(redis: RedisClient, maxInFlight: Int = 2, maxBatch: Int = 2000, clock: any WallClock = SystemWallClock()) {
        self.redis = redis
        self.maxInFlight = max(1, maxInFlight)
        self.maxBatch = max(1, maxBatch)
        self.clock = clock
    }

    /// Enqueues `requests` on `queue`; results in order.
    public func submit(_ requests: [TaskRequest], queue: String) async throws(QueueError) -> [EnqueueResult] {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[EnqueueResult], QueueError>, Never>) in
            submit(requests, queue: queue) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Enqueues `requests` on `queue` and calls `complete` with the results in order, without
    /// waiting: for callers that are not async (an HTTP event loop).
    public func submit(_ requests: [TaskRequest], queue: String, complete: @escaping Completion) {
        let start = state.withLock { s -> Bool in
            s.waiting[queue, default: []].append(Waiter(requests: requests, complete: complete))
            guard s.inFlight < maxInFlight else { return false }
            s.inFlight += 1
            return true
        }
        if start { flushNext() }
    }

    /// Sends the next batch, if any. A plain batch's completion delivers the results and calls
    /// this again (on the Redis client's thread); other batches run in a task that does the same.
    private func flushNext() {
        guard let (queue, waiters) = next() else { return }
        let all = waiters.count == 1 ? waiters[0].requests : waiters.flatMap(\.requests)
        let producer: Producer
        do { producer = try Producer(redis: redis, queue: queue, clock: clock) } catch {
            for waiter in waiters { waiter.complete(.failure(error)) }
            return flushNext()
        }
        let sent = producer.submit(all) { result in
            switch result {
            case .success(let results):
                Self.deliver(results, to: waiters)
                self.flushNext()
            case .failure(let error) where waiters.count == 1:
                waiters[0].complete(.failure(error))
                self.flushNext()
            case .failure:
                Task {
                    await self.retryOneByOne(waiters, queue: queue)
                    self.flushNext()
                }
            }
        }
        if !sent {
            Task {
                do throws(QueueError) {
                    Self.deliver(try await flush(all, queue: queue), to: waiters)
                } catch {
                    if waiters.count == 1 { waiters[0].complete(.failure(error)) } else { await retryOneByOne(waiters, queue: queue) }
                }
                self.flushNext()
            }
        }
    }

    /// Hands each waiter its slice of a combined flush's results.
    private static func deliver(_ results: [EnqueueResult], to waiters: [Waiter]) {
        var offset = 0
        for waiter in waiters {
            waiter.complete(.success(Array(results[offset..<offset + waiter.requests.count])))
            offset += waiter.requests.count
        }
    }

    /// After a combined flush failed: each waiter's requests on their own.
    private func retryOneByOne(_ waiters: [Waiter], queue: String) async {
        for waiter in waiters {
            do { waiter.complete(.success(try await flush(waiter.requests, queue: queue))) } catch {
                waiter.complete(.failure(error))
            }
        }
    }

    /// Takes up to ``maxBatch`` tasks of waiters of one queue; nil (and one flush fewer in
    /// flight) when nothing waits.
    private func next() -> (String, [Waiter])? {
        state.withLock { s -> (String, [Waiter])? in
            guard let queue = s.waiting.first(where: { !$0.value.isEmpty })?.key else {
                s.waiting.removeAll(keepingCapacity: true)
                s.inFlight -= 1
                return nil
            }
            var list = s.waiting[queue]!
            var taken = 0
            var count = 0
            while taken < list.count && (taken == 0 || count + list[taken].requests.count <= maxBatch) {
                count += list[taken].requests.count
                taken += 1
            }
            let batch = Array(list[..<taken])
            list.removeFirst(taken)
            s.waiting[queue] = list.isEmpty ? nil : list
            return (queue, batch)
        }
    }

    private func flush(_ requests: [TaskRequest], queue: String) async throws(QueueError) -> [EnqueueResult] {
        try await Producer(redis: redis, queue: queue, clock: clock).submit(requests)
    }
}
