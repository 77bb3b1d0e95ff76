import BuraqRedis

/// How failed tasks are retried: exponential backoff with jitter through the scheduled set,
/// then the dead-letter queue after `maxRetries` retries.
public struct RetryPolicy: Sendable, Hashable {
    /// What to do with a task whose handler failed.
    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        case deadLetter
    }

    /// Retries allowed after the first run (0: a failure goes straight to the DLQ).
    public var maxRetries: Int
    public var backoff: Backoff

    public init(maxRetries: Int = 10, backoff: Backoff = Backoff(initialDelay: .seconds(1), maxDelay: .seconds(600))) {
        self.maxRetries = max(0, maxRetries)
        self.backoff = backoff
    }

    /// The decision after attempt number `attempt` (0-based: retries so far) failed.
    public func decide(attempt: Int, random: Double = Double.random(in: 0..<1)) -> Decision {
        guard attempt < maxRetries else { return .deadLetter }
        return .retry(after: backoff.delay(forAttempt: attempt + 1, random: random))
    }
}

/// Throw (or wrap) this from a handler to send the task to the dead-letter queue without retries.
public struct NonRetryableError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
