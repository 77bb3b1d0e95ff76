import ArgumentParser
import BuraqAPI
import BuraqScaling
import BuraqYAML
import Foundation

/// `buraq scaling`: try a TaskQueue's scaling policy without a cluster.
struct ScalingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Try a TaskQueue's scaling policy offline.",
        subcommands: [SimulateCommand.self]
    )
}

/// `buraq scaling simulate -f taskqueue.yaml --trace trace.csv`: runs the controller's scaling
/// decisions (BuraqScaling, the same code the controller calls) over a recorded or invented
/// trace of backlog and in-flight counts, printing each step's decision and the totals.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a metric trace through a TaskQueue's scaling policy.",
        discussion: """
            The trace is CSV with the header time,backlog,inFlight (seconds since the start, then \
            counts; an empty field means unknown, as when Redis is unreachable) or a JSON array of \
            objects with those fields. Each sample is one polling interval's decision. Exit codes: \
            0 success, 65 the TaskQueue or the trace is invalid, 66 a file cannot be read.
            """)

    @Option(name: [.customShort("f"), .customLong("filename")], help: "TaskQueue YAML file ('-' for standard input).")
    var file: String

    @Option(help: "Trace file, CSV or JSON.")
    var trace: String

    @Option(help: "The TaskQueue to use when the file holds several (metadata.name).")
    var name: String?

    @Option(help: "Replicas before the first sample (default: minReplicas, at least 1 when it is above zero).")
    var initialReplicas: Int32?

    @Flag(help: "Print only the steps that changed the replica count.")
    var changesOnly = false

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let taskQueue = try loadTaskQueue()
        let samples: [TraceSample]
        do {
            samples = try TraceParser.parse(try readText(trace), source: trace)
        } catch let error as TraceParseError {
            throw Self.invalid("\(error)")
        } catch {
            throw error
        }
        let simulator: Simulator
        do {
            simulator = try Simulator(spec: taskQueue.scalingSpec, initialReplicas: initialReplicas)
        } catch {
            throw Self.invalid("\(file): \(error)")
        }
        let result = simulator.run(samples)
        switch output {
        case .json: print(try json(result, taskQueue: taskQueue))
        case .text: print(text(result, taskQueue: taskQueue, initial: simulator.initialReplicas))
        }
    }

    // MARK: - Input

    private func readText(_ path: String) throws -> String {
        if path == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("buraq: error: cannot read \(path)\n".utf8))
            throw ExitCode(66)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The one TaskQueue in the file (or the one named `--name`), decoded with defaults and validated.
    private func loadTaskQueue() throws -> TaskQueue {
        let source = file == "-" ? "<stdin>" : file
        let decoder = YAMLDecoder()
        let text = try readText(file)
        var found: [TaskQueue] = []
        do {
            for document in try decoder.documents(from: text, file: source) {
                let head = try decoder.decode(KindAndName.self, from: document.root, file: source)
                guard head.kind == TaskQueue.kind else { continue }
                if let name, head.metadata?.name != name { continue }
                found.append(try decoder.decode(TaskQueue.self, from: document.root, file: source))
            }
        } catch {
            throw Self.invalid("\(error)")
        }
        guard found.count == 1 else {
            let what = name.map { "a TaskQueue named '\($0)'" } ?? "a TaskQueue"
            throw Self.invalid(found.isEmpty ? "\(source): no \(what) in the file"
                                             : "\(source): \(found.count) TaskQueues in the file; choose one with --name")
        }
        let errors = found[0].validationErrors()
        if !errors.isEmpty {
            throw Self.invalid(errors.map { "\(source): \($0)" }.joined(separator: "\n"))
        }
        return found[0]
    }

    private struct KindAndName: Decodable {
        struct Meta: Decodable { var name: String? }
        var kind: String?
        var metadata: Meta?
    }

    private static func invalid(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("buraq: error: \(message)\n".utf8))
        return ExitCode(65)
    }

    // MARK: - Output

    private func text(_ result: SimulationResult, taskQueue: TaskQueue, initial: Int32) -> String {
        let spec = taskQueue.scalingSpec
        func count(_ v: Int64?) -> String { v.map(String.init) ?? "?" }
        let rows = result.steps
            .filter { !changesOnly || $0.replicas != $0.previousReplicas }
            .map { step in
                [String(format: "%.3f", Double(step.time.milliseconds) / 1000), count(step.backlog), count(step.inFlight),
                 step.replicas == step.previousReplicas ? "\(step.replicas)" : "\(step.previousReplicas)->\(step.replicas)",
                 step.reason.rawValue, step.message]
            }
        var out = "TaskQueue \(taskQueue.namespacedName): replicas \(spec.minReplicas)..\(spec.maxReplicas), "
            + "\(samplesLabel(result.steps.count)), starting at \(initial) replicas\n"
        out += Render.table(["TIME", "BACKLOG", "INFLIGHT", "REPLICAS", "REASON", "MESSAGE"], rows) + "\n"
        out += String(format: "Replica-seconds %.1f, peak %d replicas, %d scale changes", result.replicaSeconds,
                      result.peakReplicas, result.scaleChanges)
        let reasons = result.reasonCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        out += "; decisions by reason: " + reasons.joined(separator: " ")
        return out
    }

    private func samplesLabel(_ n: Int) -> String { n == 1 ? "1 sample" : "\(n) samples" }

    private func json(_ result: SimulationResult, taskQueue: TaskQueue) throws -> String {
        struct Report: Encodable {
            var taskQueue: String
            var replicaSeconds: Double
            var peakReplicas: Int32
            var scaleChanges: Int
            var decisionsByReason: [String: Int]
            var steps: [SimulationStep]
        }
        let report = Report(
            taskQueue: taskQueue.namespacedName, replicaSeconds: result.replicaSeconds, peakReplicas: result.peakReplicas,
            scaleChanges: result.scaleChanges,
            decisionsByReason: Dictionary(uniqueKeysWithValues: result.reasonCounts.map { ($0.key.rawValue, $0.value) }),
            steps: changesOnly ? result.steps.filter { $0.replicas != $0.previousReplicas } : result.steps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
