import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq dlq list|show|requeue|purge`: the dead-letter stream of a queue.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect, requeue and purge a queue's dead letters.",
        discussion: "Exit codes: 0 ok, 1 not found or not confirmed, 64 bad arguments, 65 a key holds another type, 69 Redis unreachable.",
        subcommands: [List.self, Show.self, Requeue.self, Purge.self])

    /// Which dead letters a bulk command acts on: ids, or --all / a filter (which needs --yes).
    struct Selection: ParsableArguments {
        @Argument(help: "Dead-letter entry ids (as `dlq list` prints them) or task ids.") var ids: [String] = []
        @Flag(help: "Every dead letter of the queue.") var all = false
        @Option(help: "Only dead letters of this task type.") var type: String?
        @Option(help: "Only dead letters with this reason: failed, non_retryable, unknown_type, malformed, quarantined.") var reason: String?
        @Flag(help: "Confirm an operation on --all or a filter.") var yes = false

        var filter: DeadLetterFilter { DeadLetterFilter(type: type, reason: reason) }
        var isBulk: Bool { ids.isEmpty }

        func validate() throws {
            let filtered = type != nil || reason != nil
            if ids.isEmpty && !all && !filtered { throw ValidationError("name dead letters by id, or select them with --all, --type or --reason") }
            if !ids.isEmpty && (all || filtered) { throw ValidationError("give either ids or --all/--type/--reason, not both") }
            if all && filtered { throw ValidationError("--all cannot be combined with --type or --reason") }
        }

        /// The entry ids selected; for ids, also those that were not found.
        func resolve(_ dlq: DeadLetterQueue) async throws -> (entryIDs: [String], missing: [String]) {
            if isBulk { return (try await dlq.list(filter).map(\.entryID), []) }
            var found: [String] = []
            var missing: [String] = []
            for id in ids {
                if let letter = try await dlq.find(id) { found.append(letter.entryID) } else { missing.append(id) }
            }
            return (found, missing)
        }

        /// Describes the selection for messages, e.g. "of type email.send".
        var wording: String {
            if all { return "" }
            return [type.map { "of type \($0)" }, reason.map { "with reason \($0)" }].compactMap { $0 }.joined(separator: " ")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List dead letters, oldest first.")

        @OptionGroup var options: QueueOptions
        @Option(help: "Only this task type.") var type: String?
        @Option(help: "Only this reason.") var reason: String?
        @Option(help: "Most entries shown.") var limit: Int = 50
        @Option(help: "Output format: text or json.") var output: OutputFormat = .text

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
        }

        func run() async throws {
            try await options.withClient { redis in
                let dlq = try DeadLetterQueue(redis: redis, queue: options.queue)
                let letters = try await dlq.list(DeadLetterFilter(type: type, reason: reason), limit: limit)
                let total = try await dlq.count()
                switch output {
                case .json:
                    print(Render.json(["queue": options.queue, "total": total, "deadLetters": letters.map(DLQCommand.summary)]))
                case .text:
                    let rows = letters.map { l -> [String] in
                        [l.entryID, l.taskID ?? "-", l.type ?? "-", l.reason ?? "-", l.attempts.map(String.init) ?? "-",
                         l.failedAt.map(Render.time) ?? "-", DLQCommand.oneLine(l.error ?? "", max: 60)]
                    }
                    print(Render.table(["ENTRY", "TASK", "TYPE", "REASON", "ATTEMPTS", "FAILED", "ERROR"], rows))
                    print("\(letters.count) shown, \(total) in the dead-letter stream of queue \(options.queue)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show every field of one dead letter.")

        @OptionGroup var options: QueueOptions
        @Argument(help: "Dead-letter entry id or task id.") var id: String
        @Option(help: "Output format: text or json.") var output: OutputFormat = .text

        func run() async throws {
            try await options.withClient { redis in
                guard let letter = try await DeadLetterQueue(redis: redis, queue: options.queue).find(id) else {
                    throw CLIExit.fail("No dead letter with entry or task id '\(id)' in queue \(options.queue)")
                }
                switch output {
                case .json:
                    var object = DLQCommand.summary(letter)
                    object["fields"] = letter.fields.map { ["name": $0.name, "value": DLQCommand.printable($0.value)] }
                    print(Render.json(object))
                case .text:
                    let width = letter.fields.map(\.name.count).max() ?? 0
                    print("entry".padding(toLength: width + 2, withPad: " ", startingAt: 0) + letter.entryID)
                    for field in letter.fields {
                        print(field.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + DLQCommand.printable(field.value))
                    }
                }
            }
        }
    }

    struct Requeue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "requeue", abstract: "Move dead letters back to the queue as fresh tasks (attempt 0).",
            discussion: "buraq dlq requeue ID...; buraq dlq requeue --type email.send --yes; buraq dlq requeue --all --yes")

        @OptionGroup var options: QueueOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await DLQCommand.act(options, selection, done: "Requeued", confirm: "requeue them") { dlq, ids in try await dlq.requeue(ids) }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge", abstract: "Delete dead letters for good.",
            discussion: "buraq dlq purge ID...; buraq dlq purge --reason malformed --yes; buraq dlq purge --all --yes")

        @OptionGroup var options: QueueOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            let all = selection.all
            try await DLQCommand.act(options, selection, done: "Purged", confirm: "delete them") { dlq, ids in
                // Everything: one DEL instead of XDEL by id (also drops entries added meanwhile).
                all ? try await dlq.purge() : try await dlq.delete(ids)
            }
        }
    }

    /// Resolves the selection, asks for --yes on bulk selections, applies `action` and reports.
    static func act(_ options: QueueOptions, _ selection: Selection, done: String, confirm: String,
                    _ action: @escaping (DeadLetterQueue, [String]) async throws -> Int) async throws {
        try await options.withClient { redis in
            let dlq = try DeadLetterQueue(redis: redis, queue: options.queue)
            let (entryIDs, missing) = try await selection.resolve(dlq)
            if selection.isBulk && !selection.yes {
                let what = ["\(entryIDs.count) dead letters", selection.wording, "match in queue \(options.queue)"].filter { !$0.isEmpty }
                throw CLIExit.fail(what.joined(separator: " ") + "; pass --yes to \(confirm)")
            }
            print("\(done) \(try await action(dlq, entryIDs)) dead letters in queue \(options.queue)")
            if !missing.isEmpty {
                throw CLIExit.fail("No dead letter with id \(missing.joined(separator: ", ")) in queue \(options.queue)")
            }
        }
    }

    /// The main fields of a dead letter as a JSON object.
    static func summary(_ l: DeadLetter) -> [String: Any] {
        [
            "entryID": l.entryID, "taskID": l.taskID ?? NSNull(), "type": l.type ?? NSNull(), "reason": l.reason ?? NSNull(),
            "error": l.error ?? NSNull(), "attempts": l.attempts ?? NSNull(), "failedAt": l.failedAt ?? NSNull(),
            "worker": l.worker ?? NSNull(), "payload": printable(l.payload),
        ]
    }

    /// UTF-8 text as is; binary as `<N bytes: hex…>`.
    static func printable(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\n" && $0 != "\t" }) {
            return text
        }
        let hex = bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
        return "<\(bytes.count) bytes: \(hex)\(bytes.count > 32 ? "…" : "")>"
    }

    static func oneLine(_ text: String, max: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
    }
}
