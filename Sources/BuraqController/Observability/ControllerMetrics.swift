import BuraqBase
import FoundationEssentials
import Glibc
import Synchronization

/// The controller's Prometheus metrics, rendered in the text exposition format for `/metrics`.
///
/// Per-queue series carry `namespace`, `taskqueue` (the TaskQueue's name) and `queue`.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `buraq_controller_queue_backlog` | gauge | per queue |
/// | `buraq_controller_queue_lag` | gauge | per queue |
/// | `buraq_controller_queue_pending` | gauge | per queue |
/// | `buraq_controller_queue_scheduled` | gauge | per queue |
/// | `buraq_controller_queue_dead_letters` | gauge | per queue |
/// | `buraq_controller_queue_replicas` | gauge | per queue |
/// | `buraq_controller_queue_desired_replicas` | gauge | per queue |
/// | `buraq_controller_scaling_decisions_total` | counter | per queue, `reason` |
/// | `buraq_controller_scale_writes_total` | counter | per queue |
/// | `buraq_controller_reconcile_duration_seconds` | histogram | `namespace` |
/// | `buraq_controller_errors_total` | counter | `source` (`redis`, `api`, `workers`, `spec`), `code` |
/// | `buraq_controller_taskqueues` | gauge | — |
/// | `buraq_controller_is_leader` | gauge | — |
/// | `buraq_controller_status_queue_depth` | gauge | — |
/// | `buraq_controller_events_dropped_total` | counter | — |
public final class ControllerMetrics: ControllerObserver {
    /// One TaskQueue's series, kept small (there is one per TaskQueue): figures not known yet
    /// are ``absent`` rather than optionals (which would double each field with padding), and
    /// the few decision reasons seen are pairs in an array rather than a dictionary.
    private struct QueueSeries {
        static let absent = Int64.min
        static let absentReplicas = Int32.min
        var queue: String
        var backlog = absent
        var lag = absent
        var pending = absent
        var scheduled = absent
        var deadLetters = absent
        var replicas = absentReplicas
        var desired = absentReplicas
        var decisions: [(reason: String, count: Int)] = []
        var scaleWrites = 0

        static func known(_ value: Int64) -> Int64? { value == absent ? nil : value }
        static func known(_ value: Int32) -> Int64? { value == absentReplicas ? nil : Int64(value) }

        mutating func count(_ reason: String) {
            if let index = decisions.firstIndex(where: { $0.reason == reason }) {
                decisions[index].count += 1
            } else {
                decisions.append((reason, 1))
            }
        }
    }

    private struct Histogram {
        var buckets = [Int](repeating: 0, count: ControllerMetrics.durationBuckets.count)
        var sum: Double = 0
        var count = 0
    }

    private struct State {
        var queues: [TaskQueueKey: QueueSeries] = [:]
        var durations: [String: Histogram] = [:]
        var errors: [String: Int] = [:]  // "source\u{0}code"
        var isLeader = true
        var statusQueueDepth = 0
        var eventsDropped = 0
    }

    /// Upper bounds of the reconcile duration histogram, in seconds.
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State())

    /// Empty metrics.
    public init() {}

    /// Sets `buraq_controller_is_leader`.
    public func setLeader(_ isLeader: Bool) {
        state.withLock { $0.isLeader = isLeader }
    }

    /// Counts an error outside a poll (API watch, lease).
    public func countError(source: String, code: String) {
        state.withLock { $0.errors["\(source)\u{0}\(code)", default: 0] += 1 }
    }

    public func observe(_ report: PollReport) {
        let seconds = report.duration.seconds
        state.withLock { state in
            var series = state.queues[report.key] ?? QueueSeries(queue: report.queue)
            series.queue = report.queue
            if let stats = report.stats {
                series.backlog = stats.backlog ?? QueueSeries.absent
                series.lag = stats.lag ?? QueueSeries.absent
                series.pending = stats.pending
                series.scheduled = stats.scheduled
                series.deadLetters = stats.deadLetters
            }
            if let replicas = report.replicas { series.replicas = replicas }
            if let desired = report.desiredReplicas { series.desired = desired }
            if let reason = report.reason { series.count(reason) }
            if report.scaled { series.scaleWrites += 1 }
            state.queues[report.key] = series
            for problem in report.problems {
                state.errors["\(Self.source(of: problem.code))\u{0}\(problem.code.rawValue)", default: 0] += 1
            }
            var histogram = state.durations[report.key.namespace] ?? Histogram()
            if let index = Self.durationBuckets.firstIndex(where: { seconds <= $0 }) { histogram.buckets[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.durations[report.key.namespace] = histogram
        }
    }

    public func statusWriter(queuedStatuses: Int, droppedEvents: Int) {
        state.withLock {
            $0.statusQueueDepth = queuedStatuses
            $0.eventsDropped = droppedEvents
        }
    }

    public func forget(_ key: TaskQueueKey, queue: String) {
        _ = state.withLock { $0.queues.removeValue(forKey: key) }
    }

    static func source(of code: ControllerError.Code) -> String {
        switch code {
        case .redisUnavailable, .redisError, .failedWriteConfig: "redis"
        case .workersCrashing: "workers"
        case .invalidSpec: "spec"
        default: "api"
        }
    }

    /// The text exposition format (version 0.0.4), whole.
    public func render() async -> String {
        var page = ""
        await render(pieceBytes: 1 << 16) { page += $0 }
        return page
    }

    /// The text exposition format (version 0.0.4), handed to `emit` in pieces of about
    /// `pieceBytes`: `/metrics` streams them, so a scrape with 1,000 TaskQueues (about 800 KB)
    /// never holds the whole page, and a copy of it, in memory (those left about 1.8 MB of heap
    /// resident after every scrape; docs/benchmarks.md, Controller).
    public func render(pieceBytes: Int, _ emit: (String) async throws -> Void) async rethrows {
        let state = self.state.withLock { $0 }
        var out = ""
        out.reserveCapacity(pieceBytes + 512)
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func labels(_ key: TaskQueueKey, _ series: QueueSeries, _ extra: String = "") -> String {
            "{namespace=\(Self.label(key.namespace)),taskqueue=\(Self.label(key.name)),queue=\(Self.label(series.queue))\(extra)}"
        }
        let keys = state.queues.keys.sorted()
        let gauges: [(String, String, (QueueSeries) -> Int64?)] = [
            ("buraq_controller_queue_backlog", "Outstanding tasks (lag + pending).", { QueueSeries.known($0.backlog) }),
            ("buraq_controller_queue_lag", "Entries not yet delivered to the consumer group.", { QueueSeries.known($0.lag) }),
            ("buraq_controller_queue_pending", "Entries delivered and not yet acknowledged.", { QueueSeries.known($0.pending) }),
            ("buraq_controller_queue_scheduled", "Delayed tasks and retries in the scheduled set.", { QueueSeries.known($0.scheduled) }),
            ("buraq_controller_queue_dead_letters", "Entries in the dead-letter stream.", { QueueSeries.known($0.deadLetters) }),
            ("buraq_controller_queue_replicas", "Replicas of the scale target.", { QueueSeries.known($0.replicas) }),
            ("buraq_controller_queue_desired_replicas", "Replicas the last decision asked for.", { QueueSeries.known($0.desired) }),
        ]
        for (name, help, value) in gauges {
            family(name, "gauge", help)
            for key in keys {
                guard let series = state.queues[key], let v = value(series) else { continue }
                out += "\(name)\(labels(key, series)) \(v)\n"
                if out.utf8.count >= pieceBytes { try await emit(out); out.removeAll(keepingCapacity: true) }
            }
        }
        family("buraq_controller_scaling_decisions_total", "counter", "Scaling decisions by reason.")
        for key in keys {
            let series = state.queues[key]!
            for (reason, count) in series.decisions.sorted(by: { $0.reason < $1.reason }) {
                out += "buraq_controller_scaling_decisions_total\(labels(key, series, ",reason=\(Self.label(reason))")) \(count)\n"
            }
            if out.utf8.count >= pieceBytes { try await emit(out); out.removeAll(keepingCapacity: true) }
        }
        family("buraq_controller_scale_writes_total", "counter", "Replica count changes written.")
        for key in keys {
            let series = state.queues[key]!
            out += "buraq_controller_scale_writes_total\(labels(key, series)) \(series.scaleWrites)\n"
            if out.utf8.count >= pieceBytes { try await emit(out); out.removeAll(keepingCapacity: true) }
        }
        family("buraq_controller_errors_total", "counter", "Errors by source (redis, api, workers, spec) and code.")
        for (pair, count) in state.errors.sorted(by: { $0.key < $1.key }) {
            let parts = pair.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            out += "buraq_controller_errors_total{source=\(Self.label(parts[0])),code=\(Self.label(parts[1]))} \(count)\n"
        }
        family("buraq_controller_reconcile_duration_seconds", "histogram", "Time of one poll of one TaskQueue.")
        for (namespace, histogram) in state.durations.sorted(by: { $0.key < $1.key }) {
            let ns = "namespace=\(Self.label(namespace))"
            var cumulative = 0
            for (bound, count) in zip(Self.durationBuckets, histogram.buckets) {
                cumulative += count
                out += "buraq_controller_reconcile_duration_seconds_bucket{\(ns),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "buraq_controller_reconcile_duration_seconds_bucket{\(ns),le=\"+Inf\"} \(histogram.count)\n"
            out += "buraq_controller_reconcile_duration_seconds_sum{\(ns)} \(histogram.sum)\n"
            out += "buraq_controller_reconcile_duration_seconds_count{\(ns)} \(histogram.count)\n"
        }
        family("buraq_controller_taskqueues", "gauge", "TaskQueues being reconciled.")
        out += "buraq_controller_taskqueues \(state.queues.count)\n"
        family("buraq_controller_is_leader", "gauge", "1 when this controller holds the lease (always 1 without leader election).")
        out += "buraq_controller_is_leader \(state.isLeader ? 1 : 0)\n"
        family("buraq_controller_status_queue_depth", "gauge", "TaskQueue statuses waiting to be written (Kubernetes mode).")
        out += "buraq_controller_status_queue_depth \(state.statusQueueDepth)\n"
        family("buraq_controller_events_dropped_total", "counter", "Events dropped: queue full, retries exhausted, not the leader, or shutdown.")
        out += "buraq_controller_events_dropped_total \(state.eventsDropped)\n"
        try await emit(out)
    }

    /// A quoted label value, escaped as the text format wants (`\\`, `\"`, `\n`). Called for
    /// every label of every series (tens of thousands a scrape with 1,000 TaskQueues), so names
    /// that need no escaping, nearly all, are only quoted.
    static func label(_ value: String) -> String {
        let utf8 = value.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return "\"" + value + "\""
        }
        var escaped = "\""
        escaped.reserveCapacity(utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
