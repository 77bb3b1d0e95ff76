/// The list-and-watch loop of an informer as a pure state machine (client-go's `reflector.go`).
///
/// The driver (``Informer``) performs the actions it returns and reports what happened:
/// LIST (first with `resourceVersion=0`, served from the server's cache), then WATCH from the
/// list's resourceVersion with bookmarks and a timeout randomised in [5, 10) minutes; every event
/// and bookmark moves the resourceVersion on; a watch that ends normally restarts from there; a
/// 410 Gone or an `ERROR` event with reason `Expired` relists with `resourceVersion=""` (a
/// consistent read); other failures back off (800 ms doubling to 30 s, with jitter) and retry.
/// The state machine owns the cache (of `Object`, the whole object or a compact view of it) and
/// returns the changes to hand to event handlers.
public struct ReflectorStateMachine<Object: InformerObject>: Sendable {
    public enum Action: Sendable, Hashable {
        /// LIST with this resourceVersion (`"0"`: any cached state; `nil`: the latest, consistent).
        case list(resourceVersion: String?)
        /// WATCH from this resourceVersion.
        case watch(resourceVersion: String, timeoutSeconds: Int)
        /// Wait, then call ``sleepFinished()``.
        case sleep(Duration)
    }

    /// A change to the cache. Indirect: the changes stream buffers a whole LIST's worth of them
    /// at start, and a buffer never shrinks, so each element is a pointer rather than two objects.
    public indirect enum Change: Sendable, Equatable {
        case added(Object)
        case updated(old: Object, new: Object)
        case deleted(Object)

        /// The object after the change (before it, for a deletion).
        public var object: Object {
            switch self {
            case .added(let o), .deleted(let o), .updated(_, let o): o
            }
        }
    }

    /// Objects by `namespace/name`.
    public private(set) var cache: [String: Object] = [:]
    /// The resourceVersion to resume from.
    public private(set) var resourceVersion: String?
    /// True once the first LIST filled the cache.
    public private(set) var hasSynced = false
    private var failures = 0
    private var afterSleep: Action = .list(resourceVersion: "0")
    private var expired = false

    public var minWatchTimeoutSeconds = 300
    public var initialBackoff: Duration = .milliseconds(800)
    public var maxBackoff: Duration = .seconds(30)
    /// Values in [0, 1) for the watch timeout and backoff jitter.
    private let random: @Sendable () -> Double

    public init(random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.random = random
    }

    public mutating func start() -> Action {
        .list(resourceVersion: "0")
    }

    /// The LIST returned: the cache becomes the list, and a watch starts from its version.
    public mutating func listSucceeded(_ list: ObjectList) -> ([Change], Action) {
        listSucceeded(list.items.map(Object.init(informing:)), resourceVersion: list.resourceVersion)
    }

    /// The LIST returned these objects (already in their cached form) at `resourceVersion`.
    public mutating func listSucceeded(_ items: [Object], resourceVersion listVersion: String) -> ([Change], Action) {
        failures = 0
        expired = false
        var fresh: [String: Object] = [:]
        fresh.reserveCapacity(items.count)
        for item in items { fresh[item.objectKey] = item }
        var changes: [Change] = []
        for (key, item) in fresh.sorted(by: { $0.key < $1.key }) {
            if let old = cache[key] {
                if old.resourceVersion != item.resourceVersion || old != item { changes.append(.updated(old: old, new: item)) }
            } else {
                changes.append(.added(item))
            }
        }
        for (key, old) in cache.sorted(by: { $0.key < $1.key }) where fresh[key] == nil { changes.append(.deleted(old)) }
        cache = fresh
        resourceVersion = listVersion
        hasSynced = true
        return (changes, watchAction())
    }

    public mutating func listFailed(_ error: any Error) -> Action {
        if Self.isExpired(error) {
            // A continue token or cached version expired: list again from the latest state.
            expired = true
            return backoff(then: .list(resourceVersion: nil))
        }
        return backoff(then: .list(resourceVersion: relistVersion))
    }

    /// One watch event. A non-nil action means: stop reading this watch and do that instead.
    public mutating func watchEvent(_ event: WatchEvent) -> ([Change], Action?) {
        switch event.type {
        case .error:
            let error = event.error ?? KubeAPIError(code: 500, reason: "InternalError", message: "watch error")
            if error.isExpired {
                expired = true
                return ([], .list(resourceVersion: nil))
            }
            return ([], backoff(then: .list(resourceVersion: relistVersion)))
        case .bookmark:
            failures = 0
            if let rv = event.object.resourceVersion { resourceVersion = rv }
            return ([], nil)
        case .added, .modified:
            failures = 0
            let object = Object(informing: event.object)
            let key = object.objectKey
            if let rv = object.resourceVersion { resourceVersion = rv }
            let old = cache.updateValue(object, forKey: key)
            if let old { return ([.updated(old: old, new: object)], nil) }
            return ([.added(object)], nil)
        case .deleted:
            failures = 0
            let object = Object(informing: event.object)
            if let rv = object.resourceVersion { resourceVersion = rv }
            cache.removeValue(forKey: object.objectKey)
            return ([.deleted(object)], nil)
        }
    }

    /// The watch ended: normally (`error == nil`, its timeout passed) or with an error.
    public mutating func watchEnded(_ error: (any Error)?) -> Action {
        guard let error else { return watchAction() }
        if Self.isExpired(error) {
            expired = true
            return .list(resourceVersion: nil)
        }
        // A dropped or refused watch resumes from the last version after a backoff.
        return backoff(then: watchAction())
    }

    public mutating func sleepFinished() -> Action {
        afterSleep
    }

    private var relistVersion: String? {
        expired ? nil : (resourceVersion ?? "0")
    }

    private func watchAction() -> Action {
        let jitter = Int(Double(minWatchTimeoutSeconds) * random())
        return .watch(resourceVersion: resourceVersion ?? "0", timeoutSeconds: minWatchTimeoutSeconds + jitter)
    }

    private mutating func backoff(then next: Action) -> Action {
        failures += 1
        afterSleep = next
        let base = initialBackoff.seconds * pow(2, Double(failures - 1))
        let capped = min(base, maxBackoff.seconds)
        return .sleep(.nanoseconds(Int64(capped * (0.5 + 0.5 * random()) * 1e9)))
    }

    static func isExpired(_ error: any Error) -> Bool {
        (error as? KubeAPIError)?.isExpired ?? false
    }
}

import BuraqBase
import Glibc
import FoundationEssentials
