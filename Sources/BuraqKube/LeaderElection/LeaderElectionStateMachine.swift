import BuraqBase
import FoundationEssentials

/// client-go's `leaderelection.go` as a pure state machine.
///
/// Each round the driver reads the Lease and calls ``decide(observed:now:wallClock:)``; it then
/// creates or updates the Lease as told and reports the outcome. Expiry is judged by when *this*
/// process last saw the Lease change (its own monotonic clock), not by the timestamps in it, so
/// clock skew between nodes does not matter. A leader that cannot renew within `renewDeadline`
/// stops leading. Leader election gives no fencing: writes must still be resourceVersion-guarded.
public struct LeaderElectionStateMachine: Sendable {
    public enum Decision: Sendable, Hashable {
        /// No Lease yet: create this one.
        case create(Lease)
        /// Take or renew: PUT this Lease (it carries the observed resourceVersion).
        case update(Lease)
        /// Someone else holds a live lease: try again after the retry period.
        case wait(holder: String)
    }

    public enum Transition: Sendable, Hashable {
        case none
        case startedLeading
        case stoppedLeading
        /// Another holder was observed (for logs).
        case newLeader(String)
    }

    public let configuration: LeaderElectionConfiguration
    public private(set) var isLeader = false
    private var observed: Lease?
    private var observedAt: Duration?
    private var lastRenewal: Duration?
    private var lastReportedHolder: String?

    public init(configuration: LeaderElectionConfiguration) {
        self.configuration = configuration
    }

    /// What to do given the Lease as read now (`nil`: none exists). `now` is the monotonic clock,
    /// `wallClock` the time written into the Lease.
    public mutating func decide(observed lease: Lease?, now: Duration, wallClock: Date) -> Decision {
        let me = configuration.identity
        let seconds = Int(configuration.leaseDuration.seconds.rounded(.up))
        let stamp = KubeTime.formatMicro(wallClock)
        guard let lease else {
            return .create(Lease(
                metadata: ObjectMeta(name: configuration.leaseName, namespace: configuration.namespace),
                spec: Lease.Spec(holderIdentity: me, leaseDurationSeconds: seconds, acquireTime: stamp, renewTime: stamp,
                                 leaseTransitions: 0)))
        }
        if lease.spec != observed?.spec || lease.metadata.resourceVersion != observed?.metadata.resourceVersion {
            observed = lease
            observedAt = now
        }
        let holder = lease.spec.holderIdentity ?? ""
        let duration = lease.spec.leaseDurationSeconds.map { Duration.seconds($0) } ?? configuration.leaseDuration
        if !holder.isEmpty, holder != me, let seen = observedAt, seen + duration > now {
            return .wait(holder: holder)
        }
        var next = lease
        if holder == me {
            next.spec.renewTime = stamp
        } else {
            next.spec.holderIdentity = me
            next.spec.acquireTime = stamp
            next.spec.renewTime = stamp
            next.spec.leaseTransitions = (lease.spec.leaseTransitions ?? 0) + (holder.isEmpty ? 0 : 1)
        }
        next.spec.leaseDurationSeconds = seconds
        return .update(next)
    }

    /// The create or update went through: we lead.
    public mutating func succeeded(_ lease: Lease, now: Duration) -> Transition {
        observed = lease
        observedAt = now
        lastRenewal = now
        lastReportedHolder = configuration.identity
        if isLeader { return .none }
        isLeader = true
        return .startedLeading
    }

    /// We did not get or keep the lease this round (a conflict, an error, or someone else holds it).
    public mutating func failed(now: Duration, holder: String? = nil) -> Transition {
        if isLeader, let last = lastRenewal, now - last >= configuration.renewDeadline {
            isLeader = false
            return .stoppedLeading
        }
        if !isLeader, let holder, holder != lastReportedHolder {
            lastReportedHolder = holder
            return .newLeader(holder)
        }
        return .none
    }

    /// The Lease to write on shutdown, if we lead: holder cleared, duration 1 s.
    public mutating func release(wallClock: Date) -> Lease? {
        guard isLeader, var lease = observed else { return nil }
        isLeader = false
        lease.spec.holderIdentity = ""
        lease.spec.leaseDurationSeconds = 1
        lease.spec.renewTime = KubeTime.formatMicro(wallClock)
        lease.spec.acquireTime = KubeTime.formatMicro(wallClock)
        return lease
    }
}
