/// When and how long to wait before retrying a request.
///
/// Retried: 429 (waiting at least `Retry-After`), 500, 503, 504, connection failures, timeouts and
/// dropped connections (except for POST, which is retried only when the connection never opened,
/// since a create may have happened). Never: other 4xx, and 409 Conflict, which needs a fresh read.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt.
    public var maxRetries: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration

    public init(maxRetries: Int = 5, initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(10),
                maxRetryAfter: Duration = .seconds(60)) {
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all.
    public static let never = RetryPolicy(maxRetries: 0)

    /// The wait before retry number `retry` (1-based) after `error`, or `nil` to give up.
    /// `random` in [0, 1) spreads clients apart ("equal jitter": half fixed, half random).
    public func delay(afterFailure error: any Error, method: String, retry: Int,
                      random: Double = Double.random(in: 0..<1)) -> Duration? {
        guard retry <= maxRetries else { return nil }
        let backoff = backoff(retry: retry, random: random)
        if let api = error as? KubeAPIError {
            guard api.isRetryable else { return nil }
            if let seconds = api.retryAfterSeconds {
                return max(min(.seconds(seconds), maxRetryAfter), .zero)
            }
            return backoff
        }
        if let client = error as? KubeClientError {
            switch client.code {
            case .connectionFailed: return backoff
            case .connectionDropped, .timeout: return method == "POST" ? nil : backoff
            default: return nil
            }
        }
        return nil
    }

    func backoff(retry: Int, random: Double) -> Duration {
        let base = initialBackoff.seconds * pow(2, Double(max(0, retry - 1)))
        let capped = min(base, maxBackoff.seconds)
        return .nanoseconds(Int64(capped * (0.5 + 0.5 * random) * 1e9))
    }
}

import BuraqBase
import Glibc
import FoundationEssentials
