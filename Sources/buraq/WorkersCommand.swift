import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq workers`: live workers of a queue, from their heartbeats.
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List a queue's live workers from their heartbeats.",
        discussion: "A worker that stopped cleanly leaves at once; a killed one disappears when its heartbeat expires (15 s).")

    @OptionGroup var options: QueueOptions
    @Option(help: "Output format: text or json.") var output: OutputFormat = .text

    func run() async throws {
        try await options.withClient { redis in
            let now = SystemWallClock().nowMilliseconds()
            let workers = try await WorkerHeartbeat.list(redis: redis, keys: try QueueKeys(queue: options.queue), now: now)
            switch output {
            case .json:
                let items: [[String: Any]] = workers.map { w in
                    ["id": w.id, "host": w.host, "pid": w.pid, "startedAt": w.startedAt, "beatAt": w.beatAt, "concurrency": w.concurrency,
                     "inFlight": w.inFlight, "processed": w.processed, "failed": w.failed]
                }
                print(Render.json(["queue": options.queue, "workers": items]))
            case .text:
                let rows = workers.map { w -> [String] in
                    [w.id, w.host, "\(w.pid)", Render.age(now - w.startedAt), "\(w.inFlight)/\(w.concurrency)", "\(w.processed)", "\(w.failed)",
                     Render.age(now - w.beatAt) + " ago"]
                }
                print(Render.table(["WORKER", "HOST", "PID", "UP", "IN-FLIGHT", "PROCESSED", "FAILED", "LAST BEAT"], rows))
                print("\(workers.count) live workers on queue \(options.queue)")
            }
        }
    }
}
