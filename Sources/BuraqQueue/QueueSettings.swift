import BuraqBase
import FoundationEssentials
/// The settings of one queue that the controller writes to `buraq:{Q}:config` from the TaskQueue
/// spec, and workers read at start and follow while they run.
///
/// The hash holds one field per setting, every value a decimal integer or `true`/`false`, so any
/// language can read it with HGETALL:
///
/// | field | meaning |
/// |---|---|
/// | `maxRetries` | retries after the first attempt before the task goes to the dead-letter stream |
/// | `backoffInitialDelayMilliseconds` | delay before the first retry |
/// | `backoffMaxDelaySeconds` | longest delay between attempts |
/// | `backoffMultiplier` | factor each delay grows by |
/// | `visibilityTimeoutSeconds` | idle time after which a pending entry is reclaimed by another worker |
/// | `taskTimeoutSeconds` | how long one attempt may run |
/// | `paused` | `true`: workers take no new tasks |
/// | `deadLetterEnabled` | `false`: tasks out of retries are dropped (and counted) |
/// | `deadLetterMaxLength` | entries the dead-letter stream keeps |
/// | `priorities` | priority levels, highest first, comma-separated (empty: one stream) |
/// | `rateLimitPerSecond` | tasks started per second across all workers (0: no limit) |
/// | `rateLimitBurst` | tokens the shared bucket holds (0: one second's worth) |
/// | `maxInFlight` | tasks running at once across all workers (0: no limit) |
/// | `maxDeliveries` | deliveries after which a task that keeps crashing workers is quarantined (0: never) |
/// | `configVersion` | format version, `1` |
public struct QueueSettings: Sendable, Hashable, Codable {
    /// Retries after the first attempt (0: straight to the dead-letter stream).
    public var maxRetries: Int
    /// Delay before the first retry, in milliseconds.
    public var backoffInitialDelayMilliseconds: Int
    /// Longest delay between attempts, in seconds.
    public var backoffMaxDelaySeconds: Int
    /// Factor each delay grows by (1: constant).
    public var backoffMultiplier: Int
    /// Idle time after which a delivered, unacknowledged task is reclaimed.
    public var visibilityTimeoutSeconds: Int
    /// How long one attempt may run before it is cancelled and counted as a failure.
    public var taskTimeoutSeconds: Int
    /// When true, workers take no new tasks.
    public var paused: Bool
    /// When false, tasks out of retries are dropped instead of kept in the dead-letter stream.
    public var deadLetterEnabled: Bool
    /// Entries kept in the dead-letter stream (older ones are trimmed).
    public var deadLetterMaxLength: Int64
    /// Priority levels, highest first; each level has its own stream `<stream>:<level>`.
    public var priorities: [String] = []
    /// Tasks started per second across all workers (0: unlimited).
    public var rateLimitPerSecond: Int = 0
    /// Size of the shared token bucket (0: one second's worth of tokens).
    public var rateLimitBurst: Int = 0
    /// Tasks running at once across all workers (0: unlimited).
    public var maxInFlight: Int = 0
    /// Deliveries after which a task is quarantined to the dead-letter stream (0: never).
    public var maxDeliveries: Int = 5

    /// The hash format version written in `configVersion`.
    public static let formatVersion = 1

    /// Creates settings; the defaults are the TaskQueue's.
    public init(
        maxRetries: Int = 10, backoffInitialDelayMilliseconds: Int = 1000, backoffMaxDelaySeconds: Int = 300,
        backoffMultiplier: Int = 2, visibilityTimeoutSeconds: Int = 60, taskTimeoutSeconds: Int = 30,
        paused: Bool = false, deadLetterEnabled: Bool = true, deadLetterMaxLength: Int64 = 10_000
    ) {
        self.maxRetries = maxRetries
        self.backoffInitialDelayMilliseconds = backoffInitialDelayMilliseconds
        self.backoffMaxDelaySeconds = backoffMaxDelaySeconds
        self.backoffMultiplier = backoffMultiplier
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.paused = paused
        self.deadLetterEnabled = deadLetterEnabled
        self.deadLetterMaxLength = deadLetterMaxLength
    }

    /// The hash fields in a fixed order, as written by HSET.
    public var hashFields: [(field: String, value: String)] {
        [
            ("maxRetries", "\(maxRetries)"),
            ("backoffInitialDelayMilliseconds", "\(backoffInitialDelayMilliseconds)"),
            ("backoffMaxDelaySeconds", "\(backoffMaxDelaySeconds)"),
            ("backoffMultiplier", "\(backoffMultiplier)"),
            ("visibilityTimeoutSeconds", "\(visibilityTimeoutSeconds)"),
            ("taskTimeoutSeconds", "\(taskTimeoutSeconds)"),
            ("paused", paused ? "true" : "false"),
            ("deadLetterEnabled", deadLetterEnabled ? "true" : "false"),
            ("deadLetterMaxLength", "\(deadLetterMaxLength)"),
            ("priorities", priorities.joined(separator: ",")),
            ("rateLimitPerSecond", "\(rateLimitPerSecond)"),
            ("rateLimitBurst", "\(rateLimitBurst)"),
            ("maxInFlight", "\(maxInFlight)"),
            ("maxDeliveries", "\(maxDeliveries)"),
            ("configVersion", "\(Self.formatVersion)"),
        ]
    }

    /// Reads settings from an HGETALL reply's fields. Absent fields keep their defaults; unknown
    /// fields are ignored (a newer controller may add some).
    /// - Throws: ``QueueError`` `.invalidArgument` naming the field and the value it could not read.
    public init(hash: [String: String]) throws(QueueError) {
        self.init()
        func int(_ field: String, _ target: inout Int) throws(QueueError) {
            guard let text = hash[field] else { return }
            guard let value = Int(text), value >= 0 else { throw Self.invalid(field, text, "a non-negative integer") }
            target = value
        }
        func bool(_ field: String, _ target: inout Bool) throws(QueueError) {
            guard let text = hash[field] else { return }
            switch text {
            case "true", "1": target = true
            case "false", "0": target = false
            default: throw Self.invalid(field, text, "true or false")
            }
        }
        try int("maxRetries", &maxRetries)
        try int("backoffInitialDelayMilliseconds", &backoffInitialDelayMilliseconds)
        try int("backoffMaxDelaySeconds", &backoffMaxDelaySeconds)
        try int("backoffMultiplier", &backoffMultiplier)
        try int("visibilityTimeoutSeconds", &visibilityTimeoutSeconds)
        try int("taskTimeoutSeconds", &taskTimeoutSeconds)
        try bool("paused", &paused)
        try bool("deadLetterEnabled", &deadLetterEnabled)
        try int("rateLimitPerSecond", &rateLimitPerSecond)
        try int("rateLimitBurst", &rateLimitBurst)
        try int("maxInFlight", &maxInFlight)
        try int("maxDeliveries", &maxDeliveries)
        if let text = hash["priorities"] {
            let levels = text.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
            for level in levels where !level.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                throw Self.invalid("priorities", text, "comma-separated level names of letters, digits, '-' or '_'")
            }
            priorities = levels
        }
        var maxLength = Int(deadLetterMaxLength)
        try int("deadLetterMaxLength", &maxLength)
        deadLetterMaxLength = Int64(maxLength)
    }

    private static func invalid(_ field: String, _ text: String, _ expected: String) -> QueueError {
        QueueError(code: .invalidArgument, message: "Queue config field '\(field)' is '\(text)'; expected \(expected)",
                   context: ["field": field])
    }
}
