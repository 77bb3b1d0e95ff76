import ArgumentParser
import CMalloc

/// `buraq-controller`: reconciles TaskQueues into scaled workers.
@main
struct BuraqControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-controller",
        abstract: "Scale Buraq workers from queue depth: a Deployment per TaskQueue on Kubernetes, or local buraq-worker processes with --local.",
        subcommands: [RunCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)

    static func main() async {
        // One malloc arena for the whole process, set before any other thread allocates. glibc
        // gives each thread that allocates its own arena; the controller's few threads (the
        // cooperative pool, the Redis and libcurl connection threads) each keeping freed memory in
        // an arena of its own cost about 2 MB of RSS with 1,000 TaskQueues (docs/benchmarks.md,
        // Controller). The controller allocates too little for contention on one arena to matter.
        _ = mallopt(M_ARENA_MAX, 1)
        await main(nil)
    }
}
