import BuraqBase

/// Leader election over a `coordination.k8s.io/v1` Lease, with client-go's defaults.
public struct LeaderElectionConfiguration: Sendable, Hashable {
    /// The Lease: its name and namespace.
    public var leaseName: String
    public var namespace: String
    /// Who we are (the pod name, usually), written as `holderIdentity`.
    public var identity: String
    /// How long others wait after the last renewal they saw before taking over (15 s).
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it stops leading (10 s).
    public var renewDeadline: Duration
    /// How often to try to acquire or renew (2 s).
    public var retryPeriod: Duration
    /// On shutdown, hand the lease back (`leaseDurationSeconds: 1`, empty holder) so a successor
    /// need not wait out the lease.
    public var releaseOnCancel: Bool

    public init(leaseName: String, namespace: String, identity: String, leaseDuration: Duration = .seconds(15),
                renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }

    /// client-go's invariants: leaseDuration > renewDeadline > retryPeriod × 1.2, identity set.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> KubeClientError {
            KubeClientError(.invalidConfiguration, "Leader election \(field) \(message)", context: ["lease": "\(namespace)/\(leaseName)"])
        }
        if identity.isEmpty { throw fail("identity", "must not be empty") }
        if leaseDuration <= renewDeadline { throw fail("leaseDuration", "must be greater than renewDeadline") }
        if renewDeadline.seconds <= retryPeriod.seconds * 1.2 {
            throw fail("renewDeadline", "must be greater than retryPeriod × 1.2")
        }
        if retryPeriod <= .zero { throw fail("retryPeriod", "must be positive") }
    }
}
