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
