import Prometheus
import Synchronization

/// The gateway's own Prometheus metrics:
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `buraq_gateway_requests_total` | counter | `route`, `method`, `status` |
/// | `buraq_gateway_request_duration_seconds` | histogram | `route` |
/// | `buraq_gateway_tasks_accepted_total` | counter | `queue` |
/// | `buraq_gateway_tasks_rejected_total` | counter | `queue`, `reason` (`rateLimited`, `backlogFull`, `invalid`, `redis`) |
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Metrics already made, by name and labels: the registry's own lookup builds names each call.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])
    static let buckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func request(route: String, method: String, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        request(route: route, method: method, status: status,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    func request(route: String, method: String, status: Int, seconds: Double) {
        counter("r|\(route)|\(method)|\(status)") {
            registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", "\(status)")])
        }.increment()
        let histogram = histograms.withLock { table in
            if let known = table[route] { return known }
            let made = registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: Self.buckets)
            table[route] = made
            return made
        }
        histogram.recordNanoseconds(Int64(seconds * 1e9))
    }

    func accepted(queue: String, count: Int) {
        counter("a|\(queue)") { registry.makeCounter(descriptor: Self.acceptedTasks, labels: [("queue", queue)]) }.increment(by: Int64(count))
    }

    func rejected(queue: String, reason: String, count: Int) {
        counter("x|\(queue)|\(reason)") {
            registry.makeCounter(descriptor: Self.rejectedTasks, labels: [("queue", queue), ("reason", reason)])
        }.increment(by: Int64(count))
    }

    private func counter(_ key: String, _ make: () -> Counter) -> Counter {
        counters.withLock { table in
            if let known = table[key] { return known }
            let made = make()
            table[key] = made
            return made
        }
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
