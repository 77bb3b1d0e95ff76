import ArgumentParser
import BuraqBase
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq enqueue TYPE [PAYLOAD]`: one task, or `--count N` tasks for load.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a task (or --count N copies) and print its id.",
        discussion: "Exit codes: 0 ok, 64 bad arguments, 65 a queue key holds another type, 69 Redis unreachable, 1 other errors.")

    @OptionGroup var options: QueueOptions

    @Argument(help: "Task type (the handler name), e.g. noop, sleep, fail, echo.")
    var type: String

    @Argument(help: "Payload text (default empty). Use --payload-file for binary payloads.")
    var payload: String = ""

    @Option(help: "Read the payload bytes from this file ('-' for standard input).")
    var payloadFile: String?

    @Option(help: "Task id (default: generated). Only with --count 1.")
    var id: String?

    @Option(name: .customLong("header"), help: "A header NAME=VALUE (repeatable).")
    var headers: [String] = []

    @Option(help: "Run no earlier than this many milliseconds from now.")
    var delayMs: Int?

    @Option(help: "Run at this time: milliseconds since the epoch.")
    var atMs: Int64?

    @Option(help: "Idempotency key: while it lives, enqueueing again with the same key adds nothing and prints the first task's id.")
    var idempotencyKey: String?

    @Option(help: "Seconds the idempotency key is remembered.")
    var idempotencyTtl: Int = 86_400

    @Option(help: "Priority level (e.g. high, low): the task goes to that level's stream.")
    var priority: String?

    @Option(help: "How many copies to enqueue (load generation).")
    var count: Int = 1

    @Option(help: "Tasks per pipelined round trip with --count.")
    var batch: Int = 1000

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        guard id == nil || count == 1 else { throw ValidationError("--id needs --count 1 (task ids must be unique)") }
        guard delayMs == nil || atMs == nil else { throw ValidationError("use either --delay-ms or --at-ms, not both") }
        if let delayMs, delayMs < 0 { throw ValidationError("--delay-ms must be 0 or more") }
        for h in headers where !h.contains("=") { throw ValidationError("--header '\(h)' must be NAME=VALUE") }
        guard idempotencyKey == nil || count == 1 else { throw ValidationError("--idempotency-key needs --count 1") }
        guard idempotencyTtl >= 1 else { throw ValidationError("--idempotency-ttl must be at least 1 second, got \(idempotencyTtl)") }
        if let idempotencyKey, idempotencyKey.isEmpty { throw ValidationError("--idempotency-key must not be empty") }
    }

    func run() async throws {
        do {
            let redis = try options.client(poolSize: 1)
            defer { redis.close() }
            let producer = try Producer(redis: redis, queue: options.queue)
            let bytes: [UInt8]
            if let payloadFile {
                let data = payloadFile == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                    : try Data(contentsOf: URL(fileURLWithPath: payloadFile))
                bytes = Array(data)
            } else {
                bytes = Array(payload.utf8)
            }
            var headerMap: [String: String] = [:]
            for h in headers {
                let parts = h.split(separator: "=", maxSplits: 1).map(String.init)
                headerMap[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let schedule: TaskRequest.Schedule = delayMs.map { .after(.milliseconds($0)) } ?? atMs.map { .at($0) } ?? .now
            if count == 1 {
                var request = TaskRequest(type: type, payload: bytes, id: id, headers: headerMap, schedule: schedule, priority: priority)
                request.idempotencyKey = idempotencyKey
                request.idempotencyTTL = .seconds(idempotencyTtl)
                let result = try await producer.submit([request])[0]
                print(result.id)
                if result.isDuplicate, let idempotencyKey {
                    FileHandle.standardError.write(Data("buraq: idempotency key '\(idempotencyKey)' already names task \(result.id); nothing enqueued\n".utf8))
                }
                return
            }
            let progress = ProgressBar(total: count, enabled: !quiet)
            let started = ContinuousClock.now
            var sent = 0
            while sent < count {
                let n = min(batch, count - sent)
                let requests = [TaskRequest](repeating: TaskRequest(type: type, payload: bytes, headers: headerMap, schedule: schedule, priority: priority), count: n)
                try await producer.enqueue(requests)
                sent += n
                progress.update(sent)
            }
            progress.finish()
            let seconds = (ContinuousClock.now - started).seconds
            print("Enqueued \(count) tasks of type \(type) to queue \(options.queue) in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / max(seconds, 1e-9))) tasks/s)")
        } catch {
            throw CLIExit.report(error)
        }
    }
}

/// A one-line progress bar on standard error.
final class ProgressBar: Sendable {
    let total: Int
    let enabled: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
