import Foundation

/// Runs `body` on a new thread of its own and resumes with its result.
///
/// For test work that blocks (socket calls). Tests are tasks on Swift's cooperative pool, which
/// has as many threads as cores (two here and in CI): a blocking call held on a pool thread
/// stalls every test beside it that waits on I/O, timers or other tasks, for as long as it
/// blocks.
///
/// `#expect` and `Issue.record` inside `body` have no test to report to (the thread is not a
/// task of the test): return what was found and check it after.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// Runs `body` on a new thread of its own at the lowest CPU priority (nice 19) and resumes with
/// its result.
///
/// For long pure computation in tests (fuzzing, exhaustive tables): on the cooperative pool it
/// would hold a thread for seconds, and on an ordinary thread it would take CPU from the pool's
/// threads. At nice 19 it gets the CPU the other tests leave idle, so the tests that wait on
/// I/O, timers and deadlines run as if it were not there.
///
/// As with ``onOwnThread(_:)``, return what was found and check it after.
public func onIdleThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await onOwnThread {
        // On Linux the nice value belongs to the thread, and 0 names the calling one.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        return try body()
    }
}
