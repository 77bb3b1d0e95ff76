import BuraqBase
import Glibc
import Testing

struct SpawnActionsTests {
    /// Spawns `/bin/sleep 5` with the standard descriptors only, or inheriting everything.
    static func spawnSleep(closingInherited: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if closingInherited { #expect(SpawnActions.closeInherited(&actions) == 0) }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("5"), nil]
        defer { for arg in argv { free(arg) } }
        let rc = posix_spawn(&pid, "/bin/sleep", &actions, nil, argv, environ)
        try #require(rc == 0)
        return pid
    }

    static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    /// Whether the peer of `fd` sees end-of-file within `milliseconds`.
    static func seesEOF(_ fd: Int32, within milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, milliseconds) == 1 else { return false }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 0
    }

    @Test func aSocketClosedByTheParentEndsForItsPeerWhileTheChildRuns() throws {
        for closingInherited in [true, false] {
            // A socket pair without close-on-exec, as SwiftNIO's accepted sockets are.
            var pair: [Int32] = [-1, -1]
            try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            let pid = try Self.spawnSleep(closingInherited: closingInherited)
            close(pair[0])
            let ended = Self.seesEOF(pair[1], within: 300)
            Self.stop(pid)
            close(pair[1])
            // Inheriting, the child's copy keeps the connection open: the control case.
            #expect(ended == closingInherited, "closingInherited: \(closingInherited)")
        }
    }
}
