/// The bookkeeping of client-go's work queue (`util/workqueue/queue.go`), pure:
/// `queue` (order), `dirty` (needs processing) and `processing` (handed out, not yet done).
///
/// Adding a key that is already dirty does nothing; adding a key being processed only marks it
/// dirty, and ``done(_:)`` puts it back in the queue. So a key is never handed out twice at once,
/// and a change that arrives while it is processed is not lost.
public struct WorkQueueState<Key: Hashable & Sendable>: Sendable {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []

    public init() {}

    /// Keys waiting to be handed out.
    public var count: Int { queue.count - head }
    public var processingCount: Int { processing.count }

    /// Returns true when the key went into the queue (a waiting `get` can have it).
    @discardableResult
    public mutating func add(_ key: Key) -> Bool {
        guard !dirty.contains(key) else { return false }
        dirty.insert(key)
        guard !processing.contains(key) else { return false }
        queue.append(key)
        return true
    }

    /// The next key, now marked processing; nil when the queue is empty.
    public mutating func get() -> Key? {
        guard head < queue.count else { return nil }
        let key = queue[head]
        head += 1
        if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        processing.insert(key)
        dirty.remove(key)
        return key
    }

    /// Processing of `key` finished; returns true when it was re-added meanwhile and is queued again.
    @discardableResult
    public mutating func done(_ key: Key) -> Bool {
        processing.remove(key)
        guard dirty.contains(key) else { return false }
        queue.append(key)
        return true
    }
}
