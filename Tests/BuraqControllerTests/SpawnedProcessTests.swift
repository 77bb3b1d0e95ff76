@testable import BuraqController
import BuraqTestSupport
import Foundation
import Testing

/// Worker processes and test helpers get the standard descriptors only: a child holding a copy
/// of the parent's socket would keep that connection open after the parent closed it.
struct SpawnedProcessTests {
    static func descriptors(of pid: pid_t) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").sorted()
    }

    @Test func aWorkerProcessInheritsOnlyItsStandardDescriptors() throws {
        var pair: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { pair.forEach { close($0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spawned-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try SpawnedProcess(executable: "/bin/sleep", arguments: ["5"], environment: [:], logPath: log)
        defer {
            child.send(SIGKILL)
            while child.poll() == nil { usleep(10_000) }
        }
        #expect(try Self.descriptors(of: child.pid) == ["0", "1", "2"])
    }

    @Test func aTestHelperProcessInheritsOnlyItsStandardDescriptors() throws {
        var pair: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { pair.forEach { close($0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(executable: "/bin/sleep", arguments: ["5"], outputPath: log)
        defer {
            child.signal(SIGKILL)
            child.wait()
        }
        #expect(try Self.descriptors(of: child.pid) == ["0", "1", "2"])
    }
}
