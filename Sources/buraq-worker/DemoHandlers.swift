import BuraqBase
import BuraqQueue
import BuraqRedis
import Glibc
import Logging

/// The handlers the ready-made `buraq-worker` binary ships for demos, load tests and local mode.
enum DemoHandlers {
    /// - Parameter redis: used by `record`, which counts runs per task id in the hash
    ///   `buraq-demo:{QUEUE}:runs` (tests and demos use it to prove nothing is lost or run twice).
    static func registry(logger: Logger, redis: RedisClient, queue: String) -> HandlerRegistry {
        var registry = HandlerRegistry()
        // noop: does nothing (throughput tests).
        registry.register("noop") { _ in }
        // sleep: payload is a number of milliseconds (default 10).
        registry.register("sleep") { task in
            let ms = Int(task.payloadString.trimmedWhitespace) ?? 10
            try await Task.sleep(for: .milliseconds(max(0, ms)))
        }
        // fail: fails with probability p given as the payload (default 1.0).
        registry.register("fail") { task in
            let p = Double(task.payloadString.trimmedWhitespace) ?? 1.0
            if Double.random(in: 0..<1) < p {
                throw DemoFailure(message: "fail handler failed on purpose (p=\(p), attempt \(task.attempt))")
            }
        }
        // echo: logs the payload.
        registry.register("echo") { task in
            logger.info("Echo", metadata: ["taskID": "\(task.id)", "attempt": "\(task.attempt)", "payload": "\(task.payloadString)"])
        }
        // crash: ends the whole process at once, as a segfault or OOM kill would (poison-pill demos).
        registry.register("crash") { task in
            logger.critical("Crashing on purpose", metadata: ["taskID": "\(task.id)"])
            _exit(3)
        }
        // record: sleeps payload ms (default 0), then counts one run of this task id.
        let runs = "buraq-demo:{\(queue)}:runs"
        registry.register("record") { task in
            let ms = Int(task.payloadString.trimmedWhitespace) ?? 0
            if ms > 0 { try await Task.sleep(for: .milliseconds(ms)) }
            try await redis.send(RedisCommand("HINCRBY", runs, task.id, 1))
        }
        return registry
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
