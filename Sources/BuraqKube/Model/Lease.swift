/// `coordination.k8s.io/v1 Lease`, as leader election uses it.
public struct Lease: Sendable, Hashable, Codable {
    public var apiVersion: String? = "coordination.k8s.io/v1"
    public var kind: String? = "Lease"
    public var metadata: ObjectMeta
    public var spec: Spec
    /// The Lease as the server sent it (set by ``KubernetesAPI/getLease(name:namespace:)`` and the
    /// write helpers): ``KubernetesAPI/updateLease(_:)`` writes the typed fields over it, so fields
    /// this type does not know (`strategy`, `preferredHolder`, managed fields) are kept.
    public var raw: JSONValue?

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec
    }

    public struct Spec: Sendable, Hashable, Codable {
        public var holderIdentity: String?
        public var leaseDurationSeconds: Int?
        /// RFC 3339 with microseconds (`metav1.MicroTime`).
        public var acquireTime: String?
        public var renewTime: String?
        public var leaseTransitions: Int?

        public init(holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
                    renewTime: String? = nil, leaseTransitions: Int? = nil) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
        }
    }

    public init(metadata: ObjectMeta, spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }
}

extension Lease {
    func with(raw: JSONValue) -> Lease {
        var copy = self
        copy.raw = raw
        return copy
    }
}
