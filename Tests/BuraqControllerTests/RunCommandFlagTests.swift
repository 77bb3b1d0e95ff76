import BuraqTestSupport
import Foundation
import Testing

/// `buraq-controller` refuses bad numeric flags before starting anything, naming the flag.
struct RunCommandFlagTests {
    @Test(arguments: [
        (["--kube-api-qps", "0"], "--kube-api-qps must be above 0, got 0.0"),
        (["--kube-api-burst", "0"], "--kube-api-burst must be at least 1, got 0"),
        (["--max-concurrent-polls", "0"], "--max-concurrent-polls must be at least 1, got 0"),
        (["--status-write-concurrency", "0"], "--status-write-concurrency must be at least 1, got 0"),
    ])
    func badFlagIsNamed(arguments: [String], message: String) async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-flags-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(executable: try BuiltProduct.path("buraq-controller"), arguments: arguments, outputPath: log)
        let code = try await process.wait(timeout: .seconds(30))
        #expect(code != nil && code != 0)
        #expect(process.output.contains(message), "\(process.output)")
    }
}
