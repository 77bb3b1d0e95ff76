import BuraqQueue
import Prometheus
import Synchronization

/// A ``WorkerObserver`` that records Prometheus metrics, labelled by `queue` and `type`:
///
/// | metric | kind | counts |
/// |---|---|---|
/// | `buraq_tasks_processed_total` | counter | handler runs that succeeded |
/// | `buraq_tasks_failed_total` | counter | handler runs that failed or timed out (each attempt) |
/// | `buraq_tasks_retried_total` | counter | failed runs scheduled for another attempt |
/// | `buraq_tasks_dlq_total` | counter | tasks moved to the dead-letter stream (also unknown types, malformed, quarantined) |
/// | `buraq_task_duration_seconds` | histogram | handler run time |
/// | `buraq_task_wait_seconds` | histogram | time from enqueue to handler start |
/// | `buraq_tasks_in_flight` | gauge | handlers running now |
///
/// Task types come from producers; past ``maxTypes`` distinct types (a producer writing random
/// types, say) further ones are counted under `type="other"` so the series stay bounded.
public final class PrometheusWorkerObserver: WorkerObserver {
    /// The registry the metrics live in; render it with ``exposition()``.
    public let registry: PrometheusCollectorRegistry
    /// Most distinct `type` label values.
    public let maxTypes: Int
    private let types = Mutex<Set<String>>([])

    /// Upper bounds of the duration histogram's buckets, in seconds.
    public static let durationBuckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    /// Upper bounds of the wait histogram's buckets, in seconds.
    public static let waitBuckets: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), maxTypes: Int = 200) {
        self.registry = registry
        self.maxTypes = maxTypes
    }

    private func labels(_ queue: String, _ type: String) -> [(String, String)] {
        let known = types.withLock { seen -> Bool in
            if seen.contains(type) { return true }
            guard seen.count < maxTypes else { return false }
            seen.insert(type)
            return true
        }
        return [("queue", queue), ("type", known ? type : "other")]
    }

    public func taskStarted(queue: String, type: String, waitSeconds: Double) {
        let labels = labels(queue, type)
        registry.makeGauge(descriptor: Self.inFlight, labels: labels).increment()
        registry.makeValueHistogram(descriptor: Self.wait, labels: labels, buckets: Self.waitBuckets).record(waitSeconds)
    }

    public func taskFinished(queue: String, type: String, durationSeconds: Double, outcome: TaskOutcome) {
        let labels = labels(queue, type)
        // A duration of 0 means the entry never reached a handler (no taskStarted before).
        let ran = durationSeconds > 0
        if ran {
            registry.makeGauge(descriptor: Self.inFlight, labels: labels).decrement()
            registry.makeValueHistogram(descriptor: Self.duration, labels: labels, buckets: Self.durationBuckets).record(durationSeconds)
        }
        switch outcome {
        case .succeeded:
            registry.makeCounter(descriptor: Self.processed, labels: labels).increment()
        case .retried:
            registry.makeCounter(descriptor: Self.failed, labels: labels).increment()
            registry.makeCounter(descriptor: Self.retried, labels: labels).increment()
        case .deadLettered:
            if ran { registry.makeCounter(descriptor: Self.failed, labels: labels).increment() }
            registry.makeCounter(descriptor: Self.deadLettered, labels: labels).increment()
        case .cancelled:
            break
        }
    }

    /// The metrics in the Prometheus text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private static var processed: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "tasks_processed", unitName: "total", helpText: "Handler runs that succeeded.")
    }
    private static var failed: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "tasks_failed", unitName: "total",
                             helpText: "Handler runs that failed or timed out, each attempt counted.")
    }
    private static var retried: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "tasks_retried", unitName: "total",
                             helpText: "Failed runs scheduled for another attempt.")
    }
    private static var deadLettered: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "tasks_dlq", unitName: "total",
                             helpText: "Tasks moved to the dead-letter stream.")
    }
    private static var duration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "task_duration", unitName: "seconds", helpText: "Handler run time.")
    }
    private static var wait: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "task_wait", unitName: "seconds",
                             helpText: "Time from enqueue to handler start.")
    }
    private static var inFlight: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "buraq", metricName: "tasks_in_flight", unitName: "", helpText: "Handlers running now.")
    }
}
