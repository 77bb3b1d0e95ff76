import Synchronization

/// The latest spec of one TaskQueue, shared between the source (writer) and its loop (reader).
final class QueueHandle: Sendable {
    struct Spec: Sendable {
        var generation: Int64
        var target: Result<QueueTarget, ControllerError>
    }

    let key: TaskQueueKey
    private let state: Mutex<(spec: Spec, deleted: Bool)>

    init(key: TaskQueueKey, spec: Spec) {
        self.key = key
        self.state = Mutex((spec, false))
    }

    var spec: Spec { state.withLock { $0.spec } }
    var isDeleted: Bool { state.withLock { $0.deleted } }

    func update(_ spec: Spec) { state.withLock { $0.spec = spec } }
    func markDeleted() { state.withLock { $0.deleted = true } }
}
