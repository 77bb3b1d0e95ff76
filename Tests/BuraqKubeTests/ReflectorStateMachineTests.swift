import BuraqKube
import Testing

@Suite("Reflector state machine")
struct ReflectorStateMachineTests {
    func object(_ name: String, rv: String) -> JSONValue {
        ["metadata": ["name": .string(name), "namespace": "default", "resourceVersion": .string(rv)]]
    }

    @Test func listThenWatchFromTheListVersionWithRandomisedTimeout() {
        var machine = ReflectorStateMachine<JSONValue>(random: { 0.5 })
        #expect(machine.start() == .list(resourceVersion: "0"))
        let (changes, action) = machine.listSucceeded(ObjectList(items: [object("a", rv: "3")], resourceVersion: "7"))
        #expect(changes == [.added(object("a", rv: "3"))])
        #expect(action == .watch(resourceVersion: "7", timeoutSeconds: 450))
        #expect(machine.hasSynced)
        var low = ReflectorStateMachine<JSONValue>(random: { 0 })
        _ = low.listSucceeded(ObjectList(items: [], resourceVersion: "1"))
        var high = ReflectorStateMachine<JSONValue>(random: { 0.999 })
        #expect(high.listSucceeded(ObjectList(items: [], resourceVersion: "1")).1 == .watch(resourceVersion: "1", timeoutSeconds: 599))
        #expect(low.watchEnded(nil) == .watch(resourceVersion: "1", timeoutSeconds: 300))
    }

    @Test func eventsAndBookmarksMoveTheVersion() {
        var machine = ReflectorStateMachine<JSONValue>(random: { 0 })
        _ = machine.listSucceeded(ObjectList(items: [object("a", rv: "3")], resourceVersion: "7"))
        #expect(machine.watchEvent(WatchEvent(type: .added, object: object("b", rv: "8"))).0 == [.added(object("b", rv: "8"))])
        #expect(machine.watchEvent(WatchEvent(type: .modified, object: object("a", rv: "9"))).0
            == [.updated(old: object("a", rv: "3"), new: object("a", rv: "9"))])
        #expect(machine.watchEvent(WatchEvent(type: .deleted, object: object("b", rv: "10"))).0 == [.deleted(object("b", rv: "10"))])
        let (none, next) = machine.watchEvent(WatchEvent(type: .bookmark, object: ["metadata": ["resourceVersion": "15"]]))
        #expect(none.isEmpty && next == nil)
        #expect(machine.resourceVersion == "15")
        #expect(machine.cache.keys.sorted() == ["default/a"])
        #expect(machine.watchEnded(nil) == .watch(resourceVersion: "15", timeoutSeconds: 300))
    }

    @Test func expiredRelistsConsistentlyAndDiffsTheCache() {
        var machine = ReflectorStateMachine<JSONValue>(random: { 0 })
        _ = machine.listSucceeded(ObjectList(items: [object("a", rv: "3"), object("b", rv: "4")], resourceVersion: "5"))
        let expired = WatchEvent(type: .error, object: ["kind": "Status", "code": 410, "reason": "Expired", "message": "too old"])
        let (_, action) = machine.watchEvent(expired)
        #expect(action == .list(resourceVersion: nil))
        let (changes, watch) = machine.listSucceeded(ObjectList(items: [object("a", rv: "9"), object("c", rv: "11")], resourceVersion: "12"))
        #expect(changes == [.updated(old: object("a", rv: "3"), new: object("a", rv: "9")), .added(object("c", rv: "11")),
                            .deleted(object("b", rv: "4"))])
        #expect(watch == .watch(resourceVersion: "12", timeoutSeconds: 300))
        #expect(machine.watchEnded(KubeAPIError(code: 410, reason: "Gone", message: "")) == .list(resourceVersion: nil))
    }

    @Test func droppedWatchBacksOffThenResumes() {
        var machine = ReflectorStateMachine<JSONValue>(random: { 0 })
        _ = machine.listSucceeded(ObjectList(items: [], resourceVersion: "5"))
        let first = machine.watchEnded(KubeClientError(.connectionDropped, "reset"))
        #expect(first == .sleep(.milliseconds(400)))
        #expect(machine.sleepFinished() == .watch(resourceVersion: "5", timeoutSeconds: 300))
        #expect(machine.watchEnded(KubeClientError(.connectionFailed, "refused")) == .sleep(.milliseconds(800)))
        #expect(machine.listFailed(KubeAPIError(code: 503, reason: "ServiceUnavailable", message: "")) == .sleep(.milliseconds(1600)))
        #expect(machine.sleepFinished() == .list(resourceVersion: "5"))
        // Capped at 30 s (before jitter halves it at most).
        for _ in 0..<10 { _ = machine.listFailed(KubeClientError(.timeout, "")) }
        #expect(machine.listFailed(KubeClientError(.timeout, "")) == .sleep(.seconds(15)))
    }
}
