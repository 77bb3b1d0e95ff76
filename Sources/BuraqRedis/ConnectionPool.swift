import BuraqBase
import Synchronization

/// A fixed set of threads, each owning one blocking ``RedisConnection``, fed from one job queue.
///
/// Blocking hiredis calls run only on these threads, never on Swift's cooperative pool. A job is
/// taken by whichever thread is free, so `size` is also the number of commands in flight at once.
final class ConnectionPool: @unchecked Sendable {
    typealias Job = (RedisConnection) -> Void

    // `condition` guards `jobs` and `closed`; `@unchecked Sendable` is sound because every access holds it.
    private let condition = ConditionLock()
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false
    private let exited = Mutex<Int>(0)

    init(configuration: RedisConfiguration, size: Int, name: String) {
        precondition(size >= 1, "a pool needs at least one connection")
        for i in 0..<size {
            OSThread.detach(name: "\(name)-\(i)", stackSize: 1 << 20) { [self] in
                let connection = RedisConnection(configuration: configuration)
                self.runLoop(connection)
                connection.disconnect()
                self.exited.withLock { $0 += 1 }
            }
        }
    }

    /// Queues a job; returns false when the pool is closed.
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if closed { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets queued jobs finish, then ends the threads (their connections close).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func runLoop(_ connection: RedisConnection) {
        while true {
            condition.lock()
            while head == jobs.count && !closed { condition.wait() }
            if head == jobs.count && closed {
                condition.unlock()
                return
            }
            let job = jobs[head]
            jobs[head] = { _ in }  // drop the finished job's captures (buffers, continuation) now
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job(connection)
        }
    }
}
