import BuraqTestSupport
import Foundation
import Testing

/// `buraq-worker` refuses bad flags before connecting to anything, naming the flag.
struct WorkerFlagTests {
    @Test(arguments: [
        (["--parent-pid=-1"], "--parent-pid must be 0 (off) or a process id, got -1"),
        (["--concurrency", "0"], "--concurrency must be at least 1, got 0"),
        (["--metrics-port", "70000"], "--metrics-port must be 0 (off) to 65535, got 70000"),
        (["--visibility-timeout", "0"], "--visibility-timeout must be at least 1 second"),
        (["--parent-pid", "x"], "--parent-pid"),
    ])
    func badFlagIsNamed(arguments: [String], message: String) async throws {
        // An address nothing listens on: a worker that started anyway would only log errors.
        let (code, output) = try await BuiltProduct.run("buraq-worker", ["--redis-url", "redis://127.0.0.1:1"] + arguments)
        #expect(code == 64, "exit code \(String(describing: code))")
        #expect(output.contains(message), "\(output)")
    }
}
