import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// `buraq pause` and `buraq resume`: the `paused` field of the queue's config hash.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop workers taking new tasks from a queue (in-flight tasks finish).",
        discussion: "Sets paused=true in buraq:{QUEUE}:config; workers follow within about a second. With the operator, set spec.paused on the TaskQueue instead.")

    @OptionGroup var options: QueueOptions

    func run() async throws { try await PauseCommand.set(true, options) }

    static func set(_ paused: Bool, _ options: QueueOptions) async throws {
        try await options.withClient { redis in
            try await QueueAdmin(redis: redis, queue: options.queue).setPaused(paused)
            print(paused ? "Paused queue \(options.queue): workers stop taking tasks within about a second; in-flight tasks finish"
                : "Resumed queue \(options.queue): workers take tasks again within about a second")
        }
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let workers take tasks from a paused queue again.",
        discussion: "Sets paused=false in buraq:{QUEUE}:config.")

    @OptionGroup var options: QueueOptions

    func run() async throws { try await PauseCommand.set(false, options) }
}
