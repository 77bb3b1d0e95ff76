import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq stats`: length, lag, pending, scheduled and dead letters of a queue.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show a queue's length, lag, pending, scheduled and dead-letter counts.",
        discussion: "Exit codes: 0 ok, 64 bad arguments, 65 a queue key holds another type, 69 Redis unreachable, 1 other errors.")

    enum Output: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: QueueOptions

    @Option(help: "Consumer group.")
    var group: String = "buraq"

    @Flag(help: "Print again every --interval seconds until interrupted.")
    var watch = false

    @Option(help: "Seconds between samples with --watch.")
    var interval: Double = 1

    @Option(help: "Output format: text or json.")
    var output: Output = .text

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be greater than 0") }
    }

    func run() async throws {
        do {
            let redis = try options.client()
            defer { redis.close() }
            let inspector = try QueueInspector(redis: redis, queue: options.queue, group: group)
            var first = true
            repeat {
                let stats = try await inspector.stats()
                print(render(stats, header: first))
                first = false
                if watch { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
            } while watch
        } catch let error as CancellationError {
            throw error
        } catch {
            throw CLIExit.report(error)
        }
    }

    func render(_ s: QueueStats, header: Bool) -> String {
        switch output {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var object = (try? JSONSerialization.jsonObject(with: encoder.encode(s))) as? [String: Any] ?? [:]
            object["queue"] = options.queue
            object["backlog"] = s.backlog.map { NSNumber(value: $0) } ?? NSNull()
            object["lag"] = s.lag.map { NSNumber(value: $0) } ?? NSNull()
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .text:
            let row = [options.queue, "\(s.length)", s.lag.map(String.init) ?? "unknown", "\(s.pending)",
                       s.backlog.map(String.init) ?? "unknown", "\(s.scheduled)", "\(s.deadLetters)",
                       s.oldestPendingAgeMilliseconds.map { String(format: "%.1fs", Double($0) / 1000) } ?? "-"]
            let line = row.map { $0.padding(toLength: max(10, $0.count + 2), withPad: " ", startingAt: 0) }.joined()
            guard header else { return line }
            let head = ["QUEUE", "LENGTH", "LAG", "PENDING", "BACKLOG", "SCHEDULED", "DLQ", "OLDEST"]
                .enumerated().map { $1.padding(toLength: max(10, row[$0].count + 2), withPad: " ", startingAt: 0) }.joined()
            return head + "\n" + line
        }
    }
}
