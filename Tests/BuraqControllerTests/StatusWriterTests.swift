import BuraqAPI
import BuraqController
import BuraqKube
import BuraqKubeFake
import Foundation
import Logging
import Synchronization
import ServiceLifecycle
import Testing

/// The status writer against the fake API server over HTTP: statuses and Events written in the
/// background, failures retried by the writer (the client itself does not retry here), queued
/// writes flushed at shutdown.
@Suite(.serialized) struct StatusWriterTests {
    struct Harness {
        let server: FakeAPIServer
        let client: KubeClient

        static func make(names: [String]) async throws -> Harness {
            let server = try await FakeAPIServer.start()
            let client = KubeClient(configuration: ClientConfiguration(
                server: server.url, credentials: .none, qps: 1000, burst: 1000, requestTimeout: .seconds(10), retry: .never))
            _ = try await client.create(.customResourceDefinitions, namespace: nil, object: KubernetesModeTests.crd)
            for name in names {
                _ = try await client.create(
                    .taskQueues, namespace: "default", object: KubernetesModeTests.taskQueue(name, redis: "127.0.0.1:1"))
            }
            return Harness(server: server, client: client)
        }

        func writer(metrics: ControllerMetrics = ControllerMetrics()) -> StatusWriter {
            StatusWriter(
                target: KubernetesStatusTarget(api: client, instance: "test"),
                configuration: StatusWriterConfiguration(retryBaseDelay: .milliseconds(5), retryMaxDelay: .milliseconds(200)),
                observer: metrics, logger: Logger(label: "status-writer-test"))
        }

        func status(_ name: String) async throws -> TaskQueueStatus? {
            try await client.get(.taskQueues, namespace: "default", name: name)["status"]?.decode(TaskQueueStatus.self)
        }

        func events() async throws -> [String] {
            try await client.list(.events, namespace: "default").items.compactMap { $0["reason"]?.stringValue }
        }

        func stop() async {
            client.shutdown()
            await server.shutdown()
        }
    }

    static func key(_ name: String) -> TaskQueueKey { TaskQueueKey(namespace: "default", name: name) }

    /// Runs a writer (with its metrics) against a fake API server holding TaskQueues `names` while `body` runs.
    static func withWriter(
        names: [String], _ body: (Harness, StatusWriter, ControllerMetrics) async throws -> Void
    ) async throws {
        let h = try await Harness.make(names: names)
        let metrics = ControllerMetrics()
        let writer = h.writer(metrics: metrics)
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await writer.run() }
            try await body(h, writer, metrics)
            group.cancelAll()
        }
        await h.stop()
    }

    @Test func writesStatusesAndEventsAndRetriesThrough500And429() async throws {
        try await Self.withWriter(names: ["a", "b"]) { h, writer, metrics throws in
            h.server.faults.inject(.status(500), count: 3, method: "PATCH")
            h.server.faults.inject(.status(429), count: 2, method: "POST")
            for backlog in 1...5 {
                await writer.updateStatus(TaskQueueStatus(observedGeneration: 1, backlog: Int64(backlog), replicas: 1), for: Self.key("a"))
            }
            await writer.updateStatus(TaskQueueStatus(observedGeneration: 1, replicas: 2), for: Self.key("b"))
            await writer.emit(QueueEvent(type: .normal, reason: "SuccessfulRescale", message: "New size: 2"), for: Self.key("b"))
            await writer.emit(QueueEvent(type: .warning, reason: "RedisUnavailable", message: "down"), for: Self.key("a"))
            // A TaskQueue that does not exist: its status is dropped on 404, not retried.
            await writer.updateStatus(TaskQueueStatus(observedGeneration: 1), for: Self.key("gone"))

            #expect(try await KubernetesModeTests.eventually {
                let a = try await h.status("a")
                let b = try await h.status("b")
                return a?.backlog == 5 && b?.replicas == 2
            })
            #expect(try await KubernetesModeTests.eventually {
                try await Set(h.events()) == ["SuccessfulRescale", "RedisUnavailable"]
            })
            #expect(try await KubernetesModeTests.eventually { writer.queuedStatuses == 0 })
            #expect(await metrics.render().contains("buraq_controller_status_queue_depth 0\n"))
            #expect(await metrics.render().contains("buraq_controller_events_dropped_total 0\n"))
        }
    }

    @Test func anEventRefusedFor422IsDroppedAndCountedWhileAStatusIsRetried() async throws {
        try await Self.withWriter(names: ["a"]) { h, writer, metrics throws in
            h.server.faults.inject(.status(422), count: 1, method: "POST")
            h.server.faults.inject(.status(422), count: 1, method: "PATCH")
            await writer.emit(QueueEvent(type: .normal, reason: "Refused", message: "invalid"), for: Self.key("a"))
            await writer.updateStatus(TaskQueueStatus(observedGeneration: 3), for: Self.key("a"))
            #expect(try await KubernetesModeTests.eventually { try await h.status("a")?.observedGeneration == 3 })
            #expect(try await KubernetesModeTests.eventually {
                await metrics.render().contains("buraq_controller_events_dropped_total 1\n")
            })
            #expect(try await h.events().isEmpty)
        }
    }

    @Test func gracefulShutdownFlushesWhatIsQueued() async throws {
        let names = (0..<20).map { "q\($0)" }
        let h = try await Harness.make(names: names)
        let writer = h.writer()
        let group = ServiceGroup(configuration: .init(services: [.init(service: writer)], logger: Logger(label: "test")))
        // Slow writes, so most are still queued when shutdown starts.
        h.server.faults.inject(.delay(.milliseconds(20)), count: 100, method: "PATCH")
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for name in names {
                await writer.updateStatus(TaskQueueStatus(observedGeneration: 7, replicas: 3), for: Self.key(name))
                await writer.emit(QueueEvent(type: .normal, reason: "Flushed", message: name), for: Self.key(name))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        for name in names { #expect(try await h.status(name)?.observedGeneration == 7, "\(name)") }
        #expect(try await h.events().count == names.count)
        await h.stop()
    }

    @Test func aStandbyDropsWhatIsQueued() async throws {
        let h = try await Harness.make(names: ["a"])
        let writer = StatusWriter(target: KubernetesStatusTarget(api: h.client, instance: "test"), mayWrite: { false })
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await writer.run() }
            await writer.updateStatus(TaskQueueStatus(observedGeneration: 1, replicas: 2), for: Self.key("a"))
            #expect(try await KubernetesModeTests.eventually { writer.queuedStatuses == 0 })
            group.cancelAll()
        }
        #expect(try await h.status("a") == nil)
        await h.stop()
    }
}

/// The writer with an in-memory target that holds every write until released.
@Suite struct StatusWriterOffPathTests {
    /// Holds writes until ``release()``; records how many were in flight at once.
    final class HeldTarget: StatusWriteTarget {
        private struct State {
            var inFlight = 0
            var maxInFlight = 0
            var written: [StatusWrite] = []
        }

        private let state = Mutex(State())
        private let (gate, opener) = AsyncStream.makeStream(of: Void.self)

        var maxInFlight: Int { state.withLock { $0.maxInFlight } }
        var written: [StatusWrite] { state.withLock { $0.written } }

        func release() { opener.finish() }

        func perform(_ write: StatusWrite) async -> StatusWriteResult {
            state.withLock {
                $0.inFlight += 1
                $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
            }
            for await _ in gate {}
            state.withLock {
                $0.inFlight -= 1
                $0.written.append(write)
            }
            return .written
        }
    }

    @Test func pollsHandOverAThousandStatusesWhileTwoWritesAreStuck() async throws {
        let target = HeldTarget()
        let writer = StatusWriter(target: target, configuration: StatusWriterConfiguration(concurrentWrites: 2))
        let keys = (0..<1000).map { TaskQueueKey(namespace: "default", name: "q\($0)") }
        try await withThrowingTaskGroup(of: Void.self) { group throws in
            group.addTask { try await writer.run() }
            for (index, key) in keys.enumerated() {
                await writer.updateStatus(TaskQueueStatus(observedGeneration: 1, backlog: Int64(index)), for: key)
            }
            #expect(try await KubernetesModeTests.eventually { target.maxInFlight == 2 })
            #expect(writer.queuedStatuses == 998)
            target.release()
            #expect(try await KubernetesModeTests.eventually(30) { target.written.count == 1000 },
                    "written \(target.written.count), queued \(writer.queuedStatuses), in flight at most \(target.maxInFlight)")
            #expect(target.maxInFlight == 2)
            group.cancelAll()
        }
    }
}
