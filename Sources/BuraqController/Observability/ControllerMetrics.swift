import Foundation
import Synchronization

/// The controller's Prometheus metrics, rendered in the text exposition format for `/metrics`.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `buraq_controller_queue_backlog` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_queue_lag` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_queue_pending` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_queue_scheduled` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_queue_dead_letters` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_replicas` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_desired_replicas` | gauge | `taskqueue`, `queue` |
/// | `buraq_controller_decisions_total` | counter | `taskqueue`, `reason` |
/// | `buraq_controller_scale_writes_total` | counter | `taskqueue` |
/// | `buraq_controller_reconcile_duration_seconds` | histogram | — |
/// | `buraq_controller_errors_total` | counter | `source` (`redis`, `api`, `workers`, `spec`), `code` |
/// | `buraq_controller_taskqueues` | gauge | — |
/// | `buraq_controller_is_leader` | gauge | — |
public final class ControllerMetrics: ControllerObserver {
    private struct QueueSeries {
        var queue: String
        var backlog: Int64?
        var lag: Int64?
        var pending: Int64?
        var scheduled: Int64?
        var deadLetters: Int64?
        var replicas: Int32?
        var desired: Int32?
    }

    private struct State {
        var queues: [TaskQueueKey: QueueSeries] = [:]
        var decisions: [String: Int] = [:]  // "taskqueue\u{0}reason"
        var scaleWrites: [TaskQueueKey: Int] = [:]
        var errors: [String: Int] = [:]  // "source\u{0}code"
        var buckets: [Int]
        var durationSum: Double = 0
        var durationCount = 0
        var isLeader = true
    }

    /// Upper bounds of the reconcile duration histogram, in seconds.
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = Mutex(State(buckets: Array(repeating: 0, count: ControllerMetrics.durationBuckets.count)))

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
        let seconds = Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) / 1e18
        state.withLock { state in
            var series = state.queues[report.key] ?? QueueSeries(queue: report.queue)
            series.queue = report.queue
            if let stats = report.stats {
                series.backlog = stats.backlog
                series.lag = stats.lag
                series.pending = stats.pending
                series.scheduled = stats.scheduled
                series.deadLetters = stats.deadLetters
            }
            series.replicas = report.replicas ?? series.replicas
            series.desired = report.desiredReplicas ?? series.desired
            state.queues[report.key] = series
            if let reason = report.reason { state.decisions["\(report.key)\u{0}\(reason)", default: 0] += 1 }
            if report.scaled { state.scaleWrites[report.key, default: 0] += 1 }
            for problem in report.problems {
                state.errors["\(Self.source(of: problem.code))\u{0}\(problem.code.rawValue)", default: 0] += 1
            }
            if let index = Self.durationBuckets.firstIndex(where: { seconds <= $0 }) { state.buckets[index] += 1 }
            state.durationSum += seconds
            state.durationCount += 1
        }
    }

    public func forget(_ key: TaskQueueKey, queue: String) {
        state.withLock { state in
            state.queues[key] = nil
            state.scaleWrites[key] = nil
            state.decisions = state.decisions.filter { !$0.key.hasPrefix("\(key)\u{0}") }
        }
    }

    static func source(of code: ControllerError.Code) -> String {
        switch code {
        case .redisUnavailable, .redisError, .failedWriteConfig: "redis"
        case .workersCrashing: "workers"
        case .invalidSpec: "spec"
        default: "api"
        }
    }

    /// The text exposition format (version 0.0.4).
    public func render() -> String {
        let state = self.state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        let keys = state.queues.keys.sorted()
        let gauges: [(String, String, (QueueSeries) -> Int64?)] = [
            ("buraq_controller_queue_backlog", "Outstanding tasks (lag + pending).", { $0.backlog }),
            ("buraq_controller_queue_lag", "Entries not yet delivered to the consumer group.", { $0.lag }),
            ("buraq_controller_queue_pending", "Entries delivered and not yet acknowledged.", { $0.pending }),
            ("buraq_controller_queue_scheduled", "Delayed tasks and retries in the scheduled set.", { $0.scheduled }),
            ("buraq_controller_queue_dead_letters", "Entries in the dead-letter stream.", { $0.deadLetters }),
            ("buraq_controller_replicas", "Replicas of the scale target.", { $0.replicas.map(Int64.init) }),
            ("buraq_controller_desired_replicas", "Replicas the last decision asked for.", { $0.desired.map(Int64.init) }),
        ]
        for (name, help, value) in gauges {
            family(name, "gauge", help)
            for key in keys {
                guard let series = state.queues[key], let v = value(series) else { continue }
                out += "\(name){taskqueue=\(Self.label(key.description)),queue=\(Self.label(series.queue))} \(v)\n"
            }
        }
        family("buraq_controller_decisions_total", "counter", "Scaling decisions by reason.")
        for (labels, count) in state.decisions.sorted(by: { $0.key < $1.key }) {
            let parts = labels.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            out += "buraq_controller_decisions_total{taskqueue=\(Self.label(parts[0])),reason=\(Self.label(parts[1]))} \(count)\n"
        }
        family("buraq_controller_scale_writes_total", "counter", "Replica count changes written.")
        for key in state.scaleWrites.keys.sorted() {
            out += "buraq_controller_scale_writes_total{taskqueue=\(Self.label(key.description))} \(state.scaleWrites[key]!)\n"
        }
        family("buraq_controller_errors_total", "counter", "Errors by source (redis, api, workers, spec) and code.")
        for (labels, count) in state.errors.sorted(by: { $0.key < $1.key }) {
            let parts = labels.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            out += "buraq_controller_errors_total{source=\(Self.label(parts[0])),code=\(Self.label(parts[1]))} \(count)\n"
        }
        family("buraq_controller_reconcile_duration_seconds", "histogram", "Time of one poll of one TaskQueue.")
        var cumulative = 0
        for (bound, count) in zip(Self.durationBuckets, state.buckets) {
            cumulative += count
            out += "buraq_controller_reconcile_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "buraq_controller_reconcile_duration_seconds_bucket{le=\"+Inf\"} \(state.durationCount)\n"
        out += "buraq_controller_reconcile_duration_seconds_sum \(state.durationSum)\n"
        out += "buraq_controller_reconcile_duration_seconds_count \(state.durationCount)\n"
        family("buraq_controller_taskqueues", "gauge", "TaskQueues being reconciled.")
        out += "buraq_controller_taskqueues \(state.queues.count)\n"
        family("buraq_controller_is_leader", "gauge", "1 when this controller holds the lease (always 1 without leader election).")
        out += "buraq_controller_is_leader \(state.isLeader ? 1 : 0)\n"
        return out
    }

    private static func label(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
