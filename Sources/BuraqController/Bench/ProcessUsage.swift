import FoundationEssentials
import Glibc

/// This process' CPU time and memory, from `getrusage` and `/proc/self/status`.
public struct ProcessUsage: Sendable {
    /// User + system CPU time so far.
    public var cpu: Duration
    /// Resident set size now, in bytes.
    public var residentBytes: Int
    /// Peak resident set size, in bytes.
    public var peakResidentBytes: Int

    /// Reads the current figures.
    public static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu =
            Duration.seconds(Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec))
            + .microseconds(Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec))
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
                return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") ?? 0
            }
            return 0
        }
        return ProcessUsage(cpu: cpu, residentBytes: kilobytes("VmRSS") * 1024, peakResidentBytes: kilobytes("VmHWM") * 1024)
    }
}
