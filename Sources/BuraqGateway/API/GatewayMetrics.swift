import Prometheus

/// The gateway's own Prometheus metrics:
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `buraq_gateway_requests_total` | counter | `route`, `method`, `status` |
/// | `buraq_gateway_request_duration_seconds` | histogram | `route` |
/// | `buraq_gateway_tasks_accepted_total` | counter | `queue` |
/// | `buraq_gateway_tasks_rejected_total` | counter | `queue`, `reason` (`rateLimited`, `backlogFull`, `invalid`, `redis`) |
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func request(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", "\(status)")]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)],
                                       buckets: Self.buckets).recordNanoseconds(Int64(seconds * 1e9))
    }

    func accepted(queue: String, count: Int) {
        registry.makeCounter(descriptor: Self.acceptedTasks, labels: [("queue", queue)]).increment(by: Int64(count))
    }

    func rejected(queue: String, reason: String, count: Int) {
        registry.makeCounter(descriptor: Self.rejectedTasks, labels: [("queue", queue), ("reason", reason)]).increment(by: Int64(count))
    }

    private static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "buraq_gateway", metricName: "requests", unitName: "total",
                                                       helpText: "HTTP requests answered, by route, method and status.") }
    private static var duration: MetricNameDescriptor { MetricNameDescriptor(namespace: "buraq_gateway", metricName: "request_duration", unitName: "seconds",
                                                       helpText: "Time to answer a request, by route.") }
    private static var acceptedTasks: MetricNameDescriptor { MetricNameDescriptor(namespace: "buraq_gateway", metricName: "tasks_accepted", unitName: "total",
                                                            helpText: "Tasks enqueued through the gateway (duplicates not counted).") }
    private static var rejectedTasks: MetricNameDescriptor { MetricNameDescriptor(namespace: "buraq_gateway", metricName: "tasks_rejected", unitName: "total",
                                                            helpText: "Tasks refused: invalid, rateLimited, backlogFull or redis.") }
}
