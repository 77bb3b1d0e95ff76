import BuraqRedis
import Logging
import ServiceLifecycle
import Synchronization

/// Enqueues the due ticks of a queue's cron schedules, as a `Service`.
///
/// Every worker may run one: each tick is enqueued exactly once however many schedulers run,
/// because the enqueue is a script that first checks and moves the schedule's last-run mark
/// (see ``CronStore/fire(_:tick:now:)``). Missed ticks follow ``CronPlanner``: one run for the
/// latest missed tick.
public final class CronScheduler: Service, Sendable {
    private let store: CronStore
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger
    /// Problems already logged (schedule name → message), so each is logged once.
    private let reported = Mutex<[String: String]>([:])

    /// - Parameter interval: how often schedules are checked (a tick runs at most this late).
    public init(redis: RedisClient, queue: String, interval: Duration = .seconds(1), clock: any WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "buraq.cron")) throws(QueueError) {
        self.store = try CronStore(redis: redis, queue: queue)
        self.interval = interval
        self.clock = clock
        var logger = logger
        logger[metadataKey: "queue"] = "\(queue)"
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Started cron scheduler", metadata: ["intervalMs": "\(milliseconds(interval))"])
        await cancelWhenGracefulShutdown {
            var lastError: String?
            while !Task.isCancelled {
                var wait = self.interval
                do throws(QueueError) {
                    let result = try await self.tick()
                    lastError = nil
                    // Wake up just after the earliest next tick, so a tick is never late by a whole interval.
                    if let next = result.nextTick {
                        wait = min(wait, .milliseconds(max(1, next - self.clock.nowMilliseconds() + 5)))
                    }
                } catch {
                    if lastError != error.message {
                        self.logger.warning("Cannot check cron schedules, retrying", metadata: ["error": "\(error)"])
                    }
                    lastError = error.message
                }
                try? await Task.sleep(for: wait)
            }
        }
    }

    /// What one check did.
    public struct TickResult: Sendable, Hashable {
        /// Schedules this call enqueued a run of.
        public var fired: [String]
        /// The earliest next tick of any schedule (ms since the epoch), if any.
        public var nextTick: Int64?
    }

    /// Checks every schedule once and enqueues the due ones.
    public func tick() async throws(QueueError) -> TickResult {
        let now = clock.nowMilliseconds()
        let (schedules, lastRuns, problems) = try await store.list()
        var result = TickResult(fired: [], nextTick: nil)
        var invalid = problems
        for schedule in schedules {
            let expression: CronExpression
            do { expression = try schedule.parsed() } catch {
                invalid[schedule.name] = error.message
                continue
            }
            if let next = expression.next(after: now) { result.nextTick = min(result.nextTick ?? next, next) }
            guard let tick = CronPlanner.dueTick(expression, lastRun: lastRuns[schedule.name], createdAt: schedule.createdAt, now: now)
            else { continue }
            if try await store.fire(schedule, tick: tick, now: now) {
                result.fired.append(schedule.name)
                logger.info("Enqueued cron run", metadata: [
                    "schedule": "\(schedule.name)", "cron": "\(schedule.expression)", "type": "\(schedule.type)",
                    "tickMs": "\(tick)", "lateMs": "\(now - tick)", "taskID": "\(schedule.taskID(tick: tick))",
                ])
            }
        }
        reportOnce(invalid)
        return result
    }

    private func reportOnce(_ invalid: [String: String]) {
        let fresh = reported.withLock { seen -> [String: String] in
            let new = invalid.filter { seen[$0.key] != $0.value }
            seen = invalid
            return new
        }
        for (name, problem) in fresh.sorted(by: { $0.key < $1.key }) {
            logger.error("Skipping a cron schedule that cannot be read", metadata: ["schedule": "\(name)", "error": "\(problem)"])
        }
    }
}
