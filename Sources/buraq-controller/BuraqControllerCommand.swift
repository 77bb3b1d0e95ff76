import ArgumentParser

/// `buraq-controller`: reconciles TaskQueues into scaled workers.
@main
struct BuraqControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-controller",
        abstract: "Scale Buraq workers from queue depth, on Kubernetes or locally.")

    func run() async throws {}
}
