/// Hooks for request metrics (client-go exports `rest_client_requests_total{code,method}` and
/// `rest_client_request_duration_seconds{verb}`; a Prometheus observer can do the same).
public protocol KubeClientObserver: Sendable {
    /// One HTTP attempt ended: its method, the HTTP status (0 when no answer came: connection
    /// failure, drop, timeout) and how long it took (for watches: until the headers arrived).
    func requestFinished(method: String, code: Int, duration: Duration)
    /// An attempt failed and will be retried after `delay`.
    func requestRetried(method: String, code: Int, delay: Duration)
}
