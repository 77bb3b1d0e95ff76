import ArgumentParser

/// The `buraq` command line: enqueue, inspect and administer Buraq queues.
@main
struct Buraq: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq",
        abstract: "Enqueue tasks, inspect and administer Buraq queues on Redis Streams.",
        subcommands: [
            // Each subcommand lives in its own file.
            EnqueueCommand.self,
            StatsCommand.self,
            ScheduleCommand.self,
            ScalingCommand.self,
            DLQCommand.self,
            PauseCommand.self,
            ResumeCommand.self,
            WorkersCommand.self,
            BenchCommand.self,
            ValidateCommand.self,
            BenchYAMLCommand.self,
        ]
    )
}
