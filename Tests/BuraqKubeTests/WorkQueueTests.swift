import BuraqKube
import Testing

@Suite("Work queue")
struct WorkQueueTests {
    @Test func dedupesAndNeverHandsOutAKeyTwiceAtOnce() {
        var state = WorkQueueState<String>()
        #expect(state.add("a") == true)
        #expect(state.add("a") == false)
        #expect(state.add("b") == true)
        #expect(state.count == 2)
        #expect(state.get() == "a")
        // "a" changes while it is processed: not handed out again until done.
        #expect(state.add("a") == false)
        #expect(state.get() == "b")
        #expect(state.get() == nil)
        #expect(state.done("a") == true)
        #expect(state.get() == "a")
        #expect(state.done("b") == false)
        #expect(state.done("a") == false)
        #expect(state.count == 0)
    }

    @Test func perKeyExponentialBackoffUnderAnOverallLimit() {
        var limiter = WorkQueueRateLimiter<String>()
        let delays = (0..<5).map { _ in limiter.when("k", now: .zero) }
        #expect(delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(80)])
        #expect(limiter.retries("k") == 5)
        limiter.forget("k")
        #expect(limiter.when("k", now: .zero) == .milliseconds(5))
        var capped = WorkQueueRateLimiter<String>()
        for _ in 0..<30 { _ = capped.when("x", now: .seconds(100)) }
        #expect(capped.when("x", now: .seconds(100)) == .seconds(1000))
        // The overall bucket: 100 at once, then 10 a second.
        var bucket = WorkQueueRateLimiter<Int>()
        for i in 0..<100 { #expect(bucket.when(i, now: .zero) == .milliseconds(5)) }
        #expect(bucket.when(1000, now: .zero) == .milliseconds(100))
    }

    @Test func queueHandsOutDelaysAndShutsDown() async throws {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("a")
        #expect(await queue.count == 1)
        let key = await queue.get()
        #expect(key == "a")
        await queue.addRateLimited("a")
        #expect(await queue.retries("a") == 1)
        #expect(await queue.delayedCount == 1)
        await queue.done("a")
        // After its 5 ms backoff the key comes back.
        let again = await queue.get()
        #expect(again == "a")
        await queue.forget("a")
        #expect(await queue.retries("a") == 0)
        await queue.done("a")
        await queue.addAfter("later", .seconds(3600))
        let waiter = Task { await queue.get() }
        await queue.shutDown()
        #expect(await waiter.value == nil)
        #expect(await queue.delayedCount == 0)
    }

    @Test func parallelWorkersNeverShareAKey() async throws {
        let queue = WorkQueue<Int>()
        let active = ActiveKeys()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.get() {
                        #expect(await active.begin(key))
                        try await Task.sleep(for: .milliseconds(1))
                        await active.end(key)
                        await queue.done(key)
                    }
                }
            }
            for round in 0..<50 { await queue.add(round % 5) ; if round % 10 == 0 { try await Task.sleep(for: .milliseconds(2)) } }
            while await queue.count > 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(20))
            await queue.shutDown()
            try await group.waitForAll()
        }
    }
}

actor ActiveKeys {
    private var keys: Set<Int> = []
    func begin(_ key: Int) -> Bool { keys.insert(key).inserted }
    func end(_ key: Int) { keys.remove(key) }
}
