/// `autoscaling/v1 Scale`: what a `/scale` subresource reads and writes.
public struct Scale: Sendable, Hashable, Codable {
    public var apiVersion: String? = "autoscaling/v1"
    public var kind: String? = "Scale"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    public struct Spec: Sendable, Hashable, Codable {
        public var replicas: Int?
        public init(replicas: Int?) { self.replicas = replicas }
    }

    public struct Status: Sendable, Hashable, Codable {
        public var replicas: Int
        /// The label selector of the pods, serialized (`app=web`).
        public var selector: String?
        public init(replicas: Int, selector: String? = nil) {
            self.replicas = replicas
            self.selector = selector
        }
    }

    public init(metadata: ObjectMeta, spec: Spec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
