import ArgumentParser

/// `buraq-controller`: reconciles TaskQueues into scaled workers.
@main
struct BuraqControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-controller",
        abstract: "Scale Buraq workers from queue depth: a Deployment per TaskQueue on Kubernetes, or local buraq-worker processes with --local.",
        subcommands: [RunCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)
}
