@testable import BuraqController
import BuraqTestSupport
import Foundation
import Testing

/// Worker processes and test helpers get the standard descriptors only: a child holding a copy
/// of the parent's socket would keep that connection open after the parent closed it.
///
/// Right after `posix_spawn` returns, the child's dynamic loader and `setlocale` still open and
/// close files of their own (fd 3 for `ld.so.cache`, libc, `/usr/lib/locale/C.utf8/LC_*`), so
/// one look at `/proc/PID/fd` can catch one of them. The checks below therefore say: no look ever
/// shows the parent's socket, and the child settles on exactly 0, 1 and 2.
struct SpawnedProcessTests {
    /// The child's descriptors, each with what it points at ("socket:[123]", a path, …).
    static func descriptors(of pid: pid_t) -> [String: String] {
        let directory = "/proc/\(pid)/fd"
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            // A descriptor can close between listing and reading; it is then simply not counted.
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)") {
                result[name] = target
            }
        }
        return result
    }

    /// What `/proc/self/fd/N` points at, for this process' descriptor `fd`.
    static func target(ofOwn fd: Int32) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
    }

    /// Looks at the child's descriptors every 10 ms until only 0, 1 and 2 are left (or 10 s
    /// pass), recording an issue if any look shows one of `parentSockets`.
    static func expectOnlyStandardDescriptors(of pid: pid_t, never parentSockets: Set<String>,
                                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var last: [String: String] = [:]
        var inherited: [String: String] = [:]
        let settled = try await eventually {
            last = descriptors(of: pid)
            inherited = last.filter { parentSockets.contains($0.value) }
            return !inherited.isEmpty || last.keys.sorted() == ["0", "1", "2"]
        }
        if !inherited.isEmpty {
            Issue.record("Child \(pid) holds the parent's socket: \(inherited)", sourceLocation: sourceLocation)
        } else if !settled {
            Issue.record("Child \(pid) never settled on descriptors 0, 1 and 2; last seen: \(last)", sourceLocation: sourceLocation)
        }
    }

    /// A socket pair of this process and what its two ends point at.
    static func socketPair() throws -> (fds: [Int32], targets: Set<String>) {
        var pair: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let targets = try Set(pair.map(target(ofOwn:)))
        #expect(targets.allSatisfy { $0.hasPrefix("socket:[") })
        return (pair, targets)
    }

    @Test func aWorkerProcessInheritsOnlyItsStandardDescriptors() async throws {
        let pair = try Self.socketPair()
        defer { pair.fds.forEach { close($0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spawned-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        // A locale in the environment makes `sleep` open locale files after exec, as a worker would.
        let child = try SpawnedProcess(executable: "/bin/sleep", arguments: ["30"], environment: ["LANG": "C.UTF-8"], logPath: log)
        defer {
            child.send(SIGKILL)
            while child.poll() == nil { usleep(10_000) }
        }
        try await Self.expectOnlyStandardDescriptors(of: child.pid, never: pair.targets)
    }

    @Test func aTestHelperProcessInheritsOnlyItsStandardDescriptors() async throws {
        let pair = try Self.socketPair()
        defer { pair.fds.forEach { close($0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(executable: "/bin/sleep", arguments: ["30"], environment: ["LANG": "C.UTF-8"], outputPath: log)
        defer {
            child.signal(SIGKILL)
            child.wait()
        }
        try await Self.expectOnlyStandardDescriptors(of: child.pid, never: pair.targets)
    }

    /// The check itself: a child spawned without closing inherited descriptors is caught.
    @Test func theCheckCatchesAnInheritedSocket() async throws {
        let pair = try Self.socketPair()
        defer { pair.fds.forEach { close($0) } }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, nil) == 0)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let seen = Self.descriptors(of: pid)
        #expect(!Set(seen.values).isDisjoint(with: pair.targets))
        await withKnownIssue {
            try await Self.expectOnlyStandardDescriptors(of: pid, never: pair.targets)
        }
    }
}
