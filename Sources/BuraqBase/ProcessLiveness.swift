#if canImport(Glibc)
import Glibc
#endif

/// Whether a PID names a live process.
public enum ProcessLiveness: Sendable {
    /// True when `pid` exists and is not a zombie (exited, waiting for its parent to reap it).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        return !isZombie(pid)
    }

    /// Reads the state field of `/proc/PID/stat`, which follows the command name in parentheses.
    public static func isZombie(_ pid: Int32) -> Bool {
        let fd = open("/proc/\(pid)/stat", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0, let paren = buffer[..<n].lastIndex(of: UInt8(ascii: ")")), paren + 2 < n else { return false }
        return buffer[paren + 2] == UInt8(ascii: "Z")
    }
}
