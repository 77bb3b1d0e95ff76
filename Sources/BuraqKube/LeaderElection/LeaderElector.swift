import BuraqBase
import FoundationEssentials
import Logging
import ServiceLifecycle
import Synchronization

/// Runs leader election as a `Service`: tries to acquire the Lease every retry period, renews it
/// while leading, reports changes through ``leadership``, and hands the Lease back on graceful
/// shutdown. A controller runs its reconcilers only while ``isLeader`` is true (or exits when
/// leadership is lost, as client-go's `OnStoppedLeading` usually does).
public final class LeaderElector: Service, Sendable {
    public let configuration: LeaderElectionConfiguration
    private let api: any KubernetesAPI
    private let clock: any KubeClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let machine: Mutex<LeaderElectionStateMachine>
    private let stream: AsyncStream<Bool>
    private let continuation: AsyncStream<Bool>.Continuation

    /// `true` when leadership starts, `false` when it ends (one consumer).
    public var leadership: AsyncStream<Bool> { stream }
    public var isLeader: Bool { machine.withLock { $0.isLeader } }

    public init(api: any KubernetesAPI, configuration: LeaderElectionConfiguration, clock: any KubeClock = SystemKubeClock(),
                wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "buraq.leader-election")) throws {
        try configuration.validate()
        self.api = api
        self.configuration = configuration
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        machine = Mutex(LeaderElectionStateMachine(configuration: configuration))
        (stream, continuation) = AsyncStream.makeStream()
    }

    public func run() async throws {
        defer { continuation.finish() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.round()
                do { try await self.clock.sleep(for: self.configuration.retryPeriod) } catch { return }
            }
        }
        await release()
    }

    /// One acquire-or-renew attempt.
    func round() async {
        let name = configuration.leaseName
        let namespace = configuration.namespace
        do {
            let current: Lease?
            do {
                current = try await api.getLease(name: name, namespace: namespace)
            } catch let error as KubeAPIError where error.isNotFound {
                current = nil
            }
            let now = clock.now
            let decision = machine.withLock { $0.decide(observed: current, now: now, wallClock: wallClock()) }
            switch decision {
            case .create(let lease):
                let stored = try await api.createLease(lease)
                report(machine.withLock { $0.succeeded(stored, now: clock.now) })
            case .update(let lease):
                let stored = try await api.updateLease(lease)
                report(machine.withLock { $0.succeeded(stored, now: clock.now) })
            case .wait(let holder):
                report(machine.withLock { $0.failed(now: clock.now, holder: holder) })
            }
        } catch {
            logger.info("Failed to acquire or renew lease", metadata: ["lease": "\(namespace)/\(name)", "err": "\(error)"])
            report(machine.withLock { $0.failed(now: clock.now) })
        }
    }

    private func report(_ transition: LeaderElectionStateMachine.Transition) {
        let lease = "\(configuration.namespace)/\(configuration.leaseName)"
        switch transition {
        case .none: break
        case .startedLeading:
            logger.info("Became leader", metadata: ["lease": "\(lease)", "identity": "\(configuration.identity)"])
            continuation.yield(true)
        case .stoppedLeading:
            logger.warning("Lost leadership", metadata: [
                "lease": "\(lease)", "identity": "\(configuration.identity)",
                "renewDeadlineSeconds": "\(configuration.renewDeadline.seconds)",
            ])
            continuation.yield(false)
        case .newLeader(let holder):
            logger.info("Observed new leader", metadata: ["lease": "\(lease)", "holder": "\(holder)"])
        }
    }

    private func release() async {
        guard configuration.releaseOnCancel, let lease = machine.withLock({ $0.release(wallClock: wallClock()) }) else { return }
        continuation.yield(false)
        // Detached: the write must go out even though this task is being cancelled.
        let api = self.api
        let logger = self.logger
        let name = "\(configuration.namespace)/\(configuration.leaseName)"
        await Task.detached {
            do {
                _ = try await api.updateLease(lease)
                logger.info("Released lease", metadata: ["lease": "\(name)"])
            } catch {
                logger.warning("Failed to release lease", metadata: ["lease": "\(name)", "err": "\(error)"])
            }
        }.value
    }
}
