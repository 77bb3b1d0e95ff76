import ArgumentParser
import BuraqBase
import BuraqController
import FoundationEssentials
import Glibc
import Logging

/// `buraq-controller bench`: reaction time and the cost of polling many TaskQueues.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure reaction time (first task to scale write) and CPU/RSS polling many TaskQueues.",
        discussion: "Needs a private Redis (it writes bench-* queues); hack/bench.sh controller starts one. Build with -c release.")

    @Option(help: "Redis URL. Env: REDIS_URL.")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "Runs of the reaction measurement.")
    var runs: Int = 10

    @Option(help: "TaskQueues polled at once in the load measurement.")
    var taskQueues: Int = 1000

    @Option(help: "Seconds the load is measured.")
    var seconds: Int = 30

    @Flag(help: "Read queue figures from memory instead of Redis (the controller's own cost).")
    var inMemory = false

    @Option(help: "The controller's --max-concurrent-polls.")
    var maxConcurrentPolls: Int = ControllerService.defaultMaxConcurrentPolls

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        var bench = ControllerBenchmark(redisURL: redisURL, logger: Logger(label: "buraq.bench"))
        bench.reactionRuns = runs
        bench.taskQueues = taskQueues
        bench.loadDuration = .seconds(seconds)
        bench.inMemoryQueues = inMemory
        bench.maxConcurrentPolls = maxConcurrentPolls
        if runs > 0 {
            let reaction = try await bench.measureReaction().milliseconds
            let median = reaction[reaction.count / 2]
            print("reaction (first task -> scale write, 1 s interval): runs \(reaction.count), median \(median) ms, max \(reaction.last!) ms, all \(reaction)")
        }
        if taskQueues > 0 {
            let load = try await bench.measureLoad()
            let wall = load.wall.seconds
            let pollsPerSecond = Int((Double(load.polls) / wall).rounded())
            let cpu = Self.oneDecimal(load.coreShare * 100)
            let megabytes = Self.oneDecimal(Double(load.residentBytes) / 1e6)
            print("load: \(load.taskQueues) TaskQueues at 1 s for \(Int(wall.rounded())) s: \(load.polls) polls (\(pollsPerSecond)/s), "
                + "CPU \(cpu) % of one core, RSS \(load.residentBytes / 1024) kB = \(megabytes) MB "
                + "(peak \(load.peakResidentBytes / 1024) kB)")
        }
    }

    /// `value` rounded to one decimal, as `12.3`.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
