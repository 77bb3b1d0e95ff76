import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq schedule add|list|remove`: periodic tasks kept in `buraq:{Q}:cron`.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Manage periodic (cron) tasks; buraq-worker processes enqueue each tick exactly once.",
        discussion: """
            Cron expressions are in UTC: 'minute hour day-of-month month day-of-week', or six fields with seconds first, \
            or @hourly, @daily, @weekly, @monthly, @yearly. Missed ticks (no worker running) are coalesced: the latest one \
            runs once when a worker is back.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a schedule.",
            discussion: "Example: buraq schedule add nightly-report '0 3 * * *' report.build '{\"days\":1}'. Exit codes: 0 ok, 1 the name exists (use --replace), 64 bad arguments, 69 Redis unreachable.")

        @OptionGroup var options: QueueOptions
        @Argument(help: "Schedule name (letters, digits, '.', '_', '-', ':').") var name: String
        @Argument(help: "Cron expression, quoted, e.g. '*/5 * * * *'.") var cron: String
        @Argument(help: "Task type to enqueue.") var type: String
        @Argument(help: "Payload text (default empty).") var payload: String = ""
        @Option(help: "Priority level of the enqueued tasks.") var priority: String?
        @Flag(help: "Replace a schedule of the same name.") var replace = false

        func validate() throws {
            let schedule = CronSchedule(name: name, expression: cron, type: type, priority: priority, createdAt: 0)
            do { try schedule.validate() } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            try await options.withClient { redis in
                let now = SystemWallClock().nowMilliseconds()
                let schedule = CronSchedule(name: name, expression: cron, type: type, payload: Array(payload.utf8), priority: priority, createdAt: now)
                guard try await CronStore(redis: redis, queue: options.queue).add(schedule, replace: replace) else {
                    throw CLIExit.fail("Schedule '\(name)' already exists in queue \(options.queue); pass --replace to overwrite it")
                }
                let next = try schedule.parsed().next(after: now).map(Render.time) ?? "never"
                print("Added schedule \(name) to queue \(options.queue): '\(cron)' (UTC) enqueues \(type); next run \(next)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List schedules with their next and last runs.")

        @OptionGroup var options: QueueOptions
        @Option(help: "Output format: text or json.") var output: OutputFormat = .text

        func run() async throws {
            try await options.withClient { redis in
                let (schedules, lastRuns, problems) = try await CronStore(redis: redis, queue: options.queue).list()
                let now = SystemWallClock().nowMilliseconds()
                switch output {
                case .json:
                    let items: [[String: Any]] = schedules.map { s in
                        var item: [String: Any] = ["name": s.name, "cron": s.expression, "type": s.type,
                                                   "payload": String(decoding: s.payload, as: UTF8.self), "createdAt": s.createdAt]
                        item["priority"] = s.priority ?? NSNull()
                        item["nextRun"] = (try? s.parsed().next(after: now)).flatMap { $0 } ?? NSNull()
                        item["lastRun"] = lastRuns[s.name] ?? NSNull()
                        return item
                    }
                    print(Render.json(["queue": options.queue, "schedules": items, "invalid": problems]))
                case .text:
                    let rows = schedules.map { s -> [String] in
                        let next = (try? s.parsed().next(after: now)).flatMap { $0 }.map(Render.time) ?? "never"
                        return [s.name, s.expression, s.type, s.priority ?? "-", next, lastRuns[s.name].map(Render.time) ?? "-"]
                    }
                    print(Render.table(["NAME", "CRON", "TYPE", "PRIORITY", "NEXT", "LAST"], rows))
                    for (name, why) in problems.sorted(by: { $0.key < $1.key }) {
                        FileHandle.standardError.write(Data("buraq: warning: schedule '\(name)' is unreadable: \(why)\n".utf8))
                    }
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a schedule.",
                                                        discussion: "Exit codes: 0 removed, 1 no schedule of that name.")

        @OptionGroup var options: QueueOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            try await options.withClient { redis in
                guard try await CronStore(redis: redis, queue: options.queue).remove(name) else {
                    throw CLIExit.fail("No schedule named '\(name)' in queue \(options.queue)")
                }
                print("Removed schedule \(name) from queue \(options.queue)")
            }
        }
    }
}
