import BuraqQueue
import Foundation
import Logging

/// The handlers the ready-made `buraq-worker` binary ships for demos, load tests and local mode.
enum DemoHandlers {
    static func registry(logger: Logger) -> HandlerRegistry {
        var registry = HandlerRegistry()
        // noop: does nothing (throughput tests).
        registry.register("noop") { _ in }
        // sleep: payload is a number of milliseconds (default 10).
        registry.register("sleep") { task in
            let ms = Int(task.payloadString.trimmingCharacters(in: .whitespaces)) ?? 10
            try await Task.sleep(for: .milliseconds(max(0, ms)))
        }
        // fail: fails with probability p given as the payload (default 1.0).
        registry.register("fail") { task in
            let p = Double(task.payloadString.trimmingCharacters(in: .whitespaces)) ?? 1.0
            if Double.random(in: 0..<1) < p {
                throw DemoFailure(message: "fail handler failed on purpose (p=\(p), attempt \(task.attempt))")
            }
        }
        // echo: logs the payload.
        registry.register("echo") { task in
            logger.info("Echo", metadata: ["taskID": "\(task.id)", "attempt": "\(task.attempt)", "payload": "\(task.payloadString)"])
        }
        return registry
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
