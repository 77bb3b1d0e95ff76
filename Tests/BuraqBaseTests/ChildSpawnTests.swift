import BuraqBase
import Glibc
import Testing

/// `ChildSpawn`: exit codes, output, and what the child gets.
struct ChildSpawnTests {
    @Test(arguments: [
        (Int32(0), Int32(0)),  // exited 0
        (Int32(3) << 8, Int32(3)),  // exited 3
        (Int32(255) << 8, Int32(255)),
        (SIGKILL, Int32(137)),  // killed
        (SIGTERM, Int32(143)),
        (SIGSEGV | 0x80, Int32(139)),  // killed, core dumped
    ])
    func exitCodesFollowTheShell(status: Int32, code: Int32) {
        #expect(ChildSpawn.exitCode(waitStatus: status) == code)
    }

    static func run(_ script: String, environment: [String: String] = [:], append: Bool = false, path: String) throws -> Int32 {
        let pid = try ChildSpawn.start("/bin/sh", arguments: ["-c", script], environment: environment, outputPath: path,
                                       appendOutput: append, ownProcessGroup: true)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return ChildSpawn.exitCode(waitStatus: status)
    }

    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func outputEnvironmentSignalsAndProcessGroup() throws {
        let path = "/tmp/buraq-childspawn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(path) }
        // Both streams reach the file; the environment is exactly what was given; stdin is empty;
        // the child leads its own process group.
        let script = """
            echo out; echo err >&2; echo "v=$VALUE"; cat; \
            [ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ] && echo own-group; exit 7
            """
        #expect(try Self.run(script, environment: ["VALUE": "x", "PATH": "/usr/bin:/bin"], path: path) == 7)
        let output = Self.read(path)
        #expect(output == "out\nerr\nv=x\nown-group\n", "\(output)")
        // No standard signal (1-31) is blocked or ignored, whatever this process blocks and
        // ignores (SIGPIPE): read by `grep` itself, which `exec` puts in place of the shell.
        _ = try Self.run("exec grep -E '^(SigBlk|SigIgn)' /proc/self/status", path: path)
        let masks = Self.read(path).split(separator: "\n").compactMap { line -> UInt64? in
            line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) }
        }
        #expect(masks.count == 2 && masks.allSatisfy { $0 & 0x7fff_ffff == 0 }, "\(Self.read(path))")
        // Appending keeps what is there; otherwise the file starts over.
        let before = Self.read(path)
        _ = try Self.run("echo again", append: true, path: path)
        #expect(Self.read(path) == before + "again\n")
        _ = try Self.run("echo fresh", path: path)
        #expect(Self.read(path) == "fresh\n")
    }

    @Test func aMissingExecutableIsAFailureWithTheSystemsText() {
        #expect {
            _ = try ChildSpawn.start("/nonexistent/buraq", arguments: [], environment: [:], outputPath: "/dev/null",
                                     appendOutput: false, ownProcessGroup: false)
        } throws: { error in
            (error as? ChildSpawn.Failure)?.message == "No such file or directory"
        }
    }
}
