import Foundation

/// Paths of executables SwiftPM built next to the running test bundle.
public enum BuiltProduct: Sendable {
    /// The path of `name` (e.g. `buraq-worker`) in the build directory of the running tests.
    public static func path(_ name: String) throws -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw TestSupportError("\(name) not found near \(exe): run `swift build --build-tests` first (hack/test.sh does)")
    }
}

extension BuiltProduct {
    /// Runs `name` with `arguments` until it exits (SIGKILL after `timeout`) and returns its exit
    /// code (nil when it had to be killed) and everything it wrote: for commands expected to end
    /// by themselves, such as a refusal of bad flags.
    public static func run(_ name: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (code: Int32?, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(executable: try path(name), arguments: arguments, outputPath: log)
        defer { process.kill9() }
        let code = try await process.wait(timeout: timeout)
        return (code, process.output)
    }
}
