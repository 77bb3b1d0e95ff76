import BuraqQueue
import BuraqRedis
import Synchronization

/// Coalesces the queue reads that fall due together into one pipeline per Redis client.
///
/// Every TaskQueue polls on its own, but loops started together stay in step, so hundreds of
/// reads arrive within a few milliseconds. The first read finding no open batch leads: it waits
/// `window` for company, closes the batch and sends every read in it in one round trip, then
/// hands each its own result. One pair of thread hand-offs and one write and read per batch
/// instead of per TaskQueue; the cost is at most `window` of extra latency.
final class StatsBatcher: Sendable {
    private struct Waiting: Sendable {
        var inspector: QueueInspector
        var continuation: CheckedContinuation<Result<QueueStats, QueueError>?, Never>
    }

    private let window: Duration
    private let clock: any WallClock
    private let open = Mutex<[ObjectIdentifier: [Waiting]]>([:])

    init(window: Duration = .milliseconds(2), clock: any WallClock) {
        self.window = window
        self.clock = clock
    }

    /// The stats of one queue, read together with the others due now on the same client.
    func stats(_ inspector: QueueInspector, redis: RedisClient) async -> Result<QueueStats, QueueError> {
        let id = ObjectIdentifier(redis)
        let joined = await withCheckedContinuation { (continuation: CheckedContinuation<Result<QueueStats, QueueError>?, Never>) in
            let leads = open.withLock { batches -> Bool in
                if batches[id] != nil {
                    batches[id]!.append(Waiting(inspector: inspector, continuation: continuation))
                    return false
                }
                batches[id] = []
                return true
            }
            if leads { continuation.resume(returning: nil) }
        }
        if let joined { return joined }
        // Leading: wait for company (a cancelled sleep just sends at once), then send the batch.
        try? await Task.sleep(for: window)
        let batch = open.withLock { batches in batches.removeValue(forKey: id) ?? [] }
        do {
            let results = try await QueueInspector.stats(of: [inspector] + batch.map(\.inspector), redis: redis, clock: clock)
            for (item, result) in zip(batch, results.dropFirst()) { item.continuation.resume(returning: result) }
            return results[0]
        } catch {
            for item in batch { item.continuation.resume(returning: .failure(error)) }
            return .failure(error)
        }
    }
}
