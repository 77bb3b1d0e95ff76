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
    static let buckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The request metrics of `route`, made once per route (see ``RouteMetrics``).
    func route(_ route: String) -> RouteMetrics {
        RouteMetrics(histogram: registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: Self.buckets)) { method, status in
            self.registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", "\(status)")])
        }
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

/// The request metrics of one route, with its counters kept by method and status, so that a
/// request costs no label strings or registry lookups.
final class RouteMetrics: Sendable {
    private struct Key: Hashable {
        var method: String
        var status: Int
    }

    private let histogram: DurationHistogram
    private let makeCounter: @Sendable (String, Int) -> Counter
    private let counters = Mutex<[Key: Counter]>([:])

    init(histogram: DurationHistogram, makeCounter: @escaping @Sendable (String, Int) -> Counter) {
        self.histogram = histogram
        self.makeCounter = makeCounter
    }

    /// Counts a request answered with `status` and records the time since `start`.
    func record(method: String, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let key = Key(method: method, status: status)
        let counter = counters.withLock { table in
            if let known = table[key] { return known }
            let made = makeCounter(method, status)
            table[key] = made
            return made
        }
        counter.increment()
        histogram.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
