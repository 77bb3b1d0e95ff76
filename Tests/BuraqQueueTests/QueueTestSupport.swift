import BuraqQueue
import BuraqRedis
import BuraqTestSupport
import Foundation
import Synchronization
import Testing

/// Records every handler run (task id, attempt, time) for assertions.
final class RunLog: Sendable {
    struct Run: Sendable {
        var task: BuraqTask
        var at: ContinuousClock.Instant
    }
    private let runs = Mutex<[Run]>([])

    func record(_ task: BuraqTask) { runs.withLock { $0.append(Run(task: task, at: .now)) } }
    var all: [Run] { runs.withLock { $0 } }
    var count: Int { runs.withLock { $0.count } }
    var distinctIDs: Set<String> { Set(all.map(\.task.id)) }

    /// Waits until `condition` holds, up to `timeout`; a timeout is a test failure at the caller.
    func wait(timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
              until condition: (RunLog) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                Issue.record("The run log did not reach the condition within \(timeout) (\(count) runs)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A unique queue name per test, so tests sharing one redis-server do not meet.
func uniqueQueue(_ prefix: String = "q") -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

/// Runs `body` with a worker running in the background, then stops the worker and waits for it.
func withWorker(_ redis: RedisConfiguration, _ configuration: WorkerConfiguration, _ handlers: HandlerRegistry,
                _ body: (Worker) async throws -> Void) async throws {
    let worker = try Worker(redis: redis, configuration: configuration, handlers: handlers)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await worker.run() }
        do {
            try await body(worker)
        } catch {
            worker.stop()
            throw error
        }
        worker.stop()
        try await group.waitForAll()
    }
}

/// Reads all entries of a stream as field dictionaries (text values).
func streamEntries(_ redis: RedisClient, _ key: String) async throws -> [[String: String]] {
    let reply = try await redis.send(RedisCommand("XRANGE", key, "-", "+"))
    return (reply.array ?? []).map { entry in
        let parts = entry.array ?? []
        let fields = parts.count > 1 ? (parts[1].array ?? []) : []
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < fields.count {
            out[fields[i].string ?? ""] = fields[i + 1].string ?? ""
            i += 2
        }
        return out
    }
}
