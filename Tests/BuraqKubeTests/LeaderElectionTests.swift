import BuraqKube
import BuraqKubeFake
import BuraqTestSupport
import Foundation
import Testing

@Suite("Leader election")
struct LeaderElectionTests {
    let config = LeaderElectionConfiguration(leaseName: "buraq", namespace: "default", identity: "a")

    func lease(holder: String, rv: String, transitions: Int = 0) -> Lease {
        Lease(metadata: ObjectMeta(name: "buraq", namespace: "default", resourceVersion: rv),
              spec: Lease.Spec(holderIdentity: holder, leaseDurationSeconds: 15, renewTime: "x", leaseTransitions: transitions))
    }

    @Test func defaultsAndInvariants() throws {
        #expect(config.leaseDuration == .seconds(15))
        #expect(config.renewDeadline == .seconds(10))
        #expect(config.retryPeriod == .seconds(2))
        try config.validate()
        var bad = config
        bad.renewDeadline = .seconds(2)
        #expect(throws: KubeClientError.self) { try bad.validate() }
        bad = config
        bad.leaseDuration = .seconds(10)
        #expect(throws: KubeClientError.self) { try bad.validate() }
    }

    @Test func createsAMissingLeaseThenRenews() {
        var machine = LeaderElectionStateMachine(configuration: config)
        guard case .create(let created) = machine.decide(observed: nil, now: .zero, wallClock: Date()) else {
            Issue.record("Expected create")
            return
        }
        #expect(created.spec.holderIdentity == "a")
        #expect(created.spec.leaseDurationSeconds == 15)
        #expect(machine.succeeded(lease(holder: "a", rv: "1"), now: .zero) == .startedLeading)
        guard case .update(let renewed) = machine.decide(observed: lease(holder: "a", rv: "1"), now: .seconds(2), wallClock: Date()) else {
            Issue.record("Expected renew")
            return
        }
        #expect(renewed.metadata.resourceVersion == "1")
        #expect(renewed.spec.leaseTransitions == 0)
        #expect(machine.succeeded(lease(holder: "a", rv: "2"), now: .seconds(2)) == .none)
    }

    @Test func waitsForAnotherHoldersLeaseToExpireByLocalObservation() {
        var machine = LeaderElectionStateMachine(configuration: config)
        let theirs = lease(holder: "b", rv: "5", transitions: 3)
        #expect(machine.decide(observed: theirs, now: .seconds(100), wallClock: Date()) == .wait(holder: "b"))
        #expect(machine.failed(now: .seconds(100), holder: "b") == .newLeader("b"))
        #expect(machine.decide(observed: theirs, now: .seconds(114), wallClock: Date()) == .wait(holder: "b"))
        // The same lease unchanged for 15 s of our own clock: take it over.
        guard case .update(let taken) = machine.decide(observed: theirs, now: .seconds(115), wallClock: Date()) else {
            Issue.record("Expected take-over")
            return
        }
        #expect(taken.spec.holderIdentity == "a")
        #expect(taken.spec.leaseTransitions == 4)
        #expect(taken.metadata.resourceVersion == "5")
        // A renewal by b resets the observation time.
        var other = LeaderElectionStateMachine(configuration: config)
        _ = other.decide(observed: theirs, now: .seconds(0), wallClock: Date())
        #expect(other.decide(observed: lease(holder: "b", rv: "6"), now: .seconds(10), wallClock: Date()) == .wait(holder: "b"))
        #expect(other.decide(observed: lease(holder: "b", rv: "6"), now: .seconds(24), wallClock: Date()) == .wait(holder: "b"))
    }

    @Test func stopsLeadingWhenRenewalFailsPastTheDeadline() {
        var machine = LeaderElectionStateMachine(configuration: config)
        _ = machine.succeeded(lease(holder: "a", rv: "1"), now: .seconds(0))
        #expect(machine.failed(now: .seconds(4)) == .none)
        #expect(machine.isLeader)
        #expect(machine.failed(now: .seconds(10)) == .stoppedLeading)
        #expect(!machine.isLeader)
    }

    @Test func releaseClearsTheHolder() {
        var machine = LeaderElectionStateMachine(configuration: config)
        #expect(machine.release(wallClock: Date()) == nil)
        _ = machine.succeeded(lease(holder: "a", rv: "1"), now: .zero)
        let released = machine.release(wallClock: Date())
        #expect(released?.spec.holderIdentity == "")
        #expect(released?.spec.leaseDurationSeconds == 1)
        // An empty holder is free at once, without a transition count.
        var next = LeaderElectionStateMachine(configuration: LeaderElectionConfiguration(leaseName: "buraq", namespace: "default", identity: "b"))
        guard case .update(let taken) = next.decide(observed: released, now: .zero, wallClock: Date()) else {
            Issue.record("Expected take-over of a released lease")
            return
        }
        #expect(taken.spec.holderIdentity == "b")
    }

    private func elector(_ api: InMemoryKubernetesAPI, _ identity: String) throws -> LeaderElector {
        try LeaderElector(api: api, configuration: LeaderElectionConfiguration(
            leaseName: "buraq", namespace: "default", identity: identity, leaseDuration: .milliseconds(900),
            renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(100)))
    }

    @Test func oneLeaderAtATimeAndHandOverOnShutdown() async throws {
        let api = InMemoryKubernetesAPI()
        let a = try elector(api, "a")
        let b = try elector(api, "b")
        let runA = Task { try await a.run() }
        #expect(try await eventually { a.isLeader })
        let runB = Task { try await b.run() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!b.isLeader)
        runA.cancel()
        _ = try? await runA.value
        #expect(try await api.getLease(name: "buraq", namespace: "default").spec.holderIdentity == "" || b.isLeader)
        #expect(try await eventually { b.isLeader })
        runB.cancel()
        _ = try? await runB.value
    }

    @Test func leaderThatCannotRenewStepsDown() async throws {
        let api = InMemoryKubernetesAPI()
        let a = try elector(api, "a")
        let runA = Task { try await a.run() }
        #expect(try await eventually { a.isLeader })
        var changes = a.leadership.makeAsyncIterator()
        #expect(await changes.next() == true)
        api.faults.inject(.status(503), count: 1000, method: "PUT")
        #expect(try await eventually { !a.isLeader })
        #expect(await changes.next() == false)
        api.faults.clear()
        runA.cancel()
        _ = try? await runA.value
    }
}

@Suite("Typed Lease writes")
struct LeaseWriteTests {
    @Test func unknownLeaseFieldsSurviveATypedUpdate() async throws {
        let api = InMemoryKubernetesAPI()
        _ = try await api.create(.leases, namespace: "default", object: [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": "l", "annotations": ["keep": "me"]],
            "spec": ["holderIdentity": "a", "leaseDurationSeconds": 15, "strategy": "OldestEmulationVersion", "preferredHolder": "b"],
        ])
        var lease = try await api.getLease(name: "l", namespace: "default")
        lease.spec.holderIdentity = "c"
        let written = try await api.updateLease(lease)
        #expect(written.spec.holderIdentity == "c")
        let raw = try await api.get(.leases, namespace: "default", name: "l")
        #expect(raw[path: ["spec", "strategy"]] == "OldestEmulationVersion")
        #expect(raw[path: ["spec", "preferredHolder"]] == "b")
        #expect(raw.annotations == ["keep": "me"])
    }
}
