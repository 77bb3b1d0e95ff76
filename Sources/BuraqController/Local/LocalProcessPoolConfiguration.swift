import FoundationEssentials
import Glibc

/// How local mode runs `buraq-worker` processes.
public struct LocalProcessPoolConfiguration: Sendable {
    /// The worker executable (`--worker-path`).
    public var workerPath: String
    /// The Redis URL of TaskQueues that name none (`--redis-url`).
    public var defaultRedisURL: String
    /// `--concurrency` of each worker (`nil`: the worker's default).
    public var workerConcurrency: Int?
    /// Extra arguments for every worker.
    public var extraArguments: [String]
    /// Where each worker's output goes (`<consumer>.log`).
    public var logDirectory: String
    /// How long a worker gets to drain after SIGTERM before SIGKILL.
    public var drainTimeout: Duration
    /// First wait before restarting a crashed worker; doubles per crash up to `maxRestartDelay`.
    public var restartDelay: Duration
    /// Longest wait before a restart.
    public var maxRestartDelay: Duration
    /// Crashes within this window are reported as a problem.
    public var crashWindow: Duration

    /// Creates a configuration.
    public init(
        workerPath: String, defaultRedisURL: String, workerConcurrency: Int? = nil, extraArguments: [String] = [],
        logDirectory: String = FileManager.default.temporaryDirectory.appendingPathComponent(
            "buraq-controller-\(getpid())"
        ).path,
        drainTimeout: Duration = .seconds(30), restartDelay: Duration = .milliseconds(500),
        maxRestartDelay: Duration = .seconds(30), crashWindow: Duration = .seconds(60)
    ) {
        self.workerPath = workerPath
        self.defaultRedisURL = defaultRedisURL
        self.workerConcurrency = workerConcurrency
        self.extraArguments = extraArguments
        self.logDirectory = logDirectory
        self.drainTimeout = drainTimeout
        self.restartDelay = restartDelay
        self.maxRestartDelay = maxRestartDelay
        self.crashWindow = crashWindow
    }
}
