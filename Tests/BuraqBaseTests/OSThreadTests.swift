import BuraqBase
import Synchronization
import Testing

struct OSThreadTests {
    @Test func threadsHandOffWorkThroughTheConditionLock() async {
        // Four threads take numbers from a shared list until it is closed; every number is taken once.
        final class Shared: @unchecked Sendable {
            let lock = ConditionLock()
            var items: [Int] = []
            var closed = false
            var taken: [Int] = []
            var exited = 0
        }
        let shared = Shared()
        for i in 0..<4 {
            OSThread.detach(name: "test-\(i)") {
                while true {
                    shared.lock.lock()
                    while shared.items.isEmpty && !shared.closed { shared.lock.wait() }
                    if shared.items.isEmpty {
                        shared.exited += 1
                        shared.lock.broadcast()
                        shared.lock.unlock()
                        return
                    }
                    shared.taken.append(shared.items.removeLast())
                    shared.lock.unlock()
                }
            }
        }
        for n in 0..<1000 {
            shared.lock.withLock { shared.items.append(n) }
            shared.lock.signal()
        }
        shared.lock.withLock { shared.closed = true }
        shared.lock.broadcast()
        // Wait for the threads on a kernel thread of our own, not on the cooperative pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            OSThread.detach(name: "test-wait") {
                shared.lock.lock()
                while shared.exited < 4 { shared.lock.wait() }
                shared.lock.unlock()
                done.resume()
            }
        }
        #expect(shared.taken.sorted() == Array(0..<1000))
    }

    @Test func sleepWaitsAtLeastTheDuration() async {
        let elapsed = await withCheckedContinuation { (done: CheckedContinuation<Duration, Never>) in
            OSThread.detach(name: "test-sleep") {
                let start = ContinuousClock.now
                OSThread.sleep(for: .milliseconds(20))
                done.resume(returning: ContinuousClock.now - start)
            }
        }
        #expect(elapsed >= .milliseconds(20))
    }
}
