import ArgumentParser

/// Measures the controller (filled in later).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure reaction time, CPU and memory.")
    func run() async throws {}
}
