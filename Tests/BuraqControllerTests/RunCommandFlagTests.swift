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
        let (code, output) = try await BuiltProduct.run("buraq-controller", arguments)
        #expect(code != nil && code != 0)
        #expect(output.contains(message), "\(output)")
    }
}
