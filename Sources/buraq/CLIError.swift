import ArgumentParser
import BuraqQueue
import BuraqRedis
import Foundation

/// Exit codes of the `buraq` command (documented in README.md):
/// 0 success; 1 any other failure; 64 bad arguments (usage); 65 a key holds the wrong type;
/// 69 Redis unreachable or timed out.
enum CLIExit {
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let wrongType: Int32 = 65
    static let unavailable: Int32 = 69

    /// Prints `message` as one error line and returns exit code 1 (the request was understood
    /// but cannot be done: a missing entry, an existing name, a missing confirmation).
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("buraq: error: \(message)\n".utf8))
        return ExitCode(failure)
    }

    /// Prints one line for `error` to standard error and returns the exit code to use.
    static func report(_ error: any Error) -> ExitCode {
        let (code, text): (Int32, String)
        switch error {
        case let e as QueueError:
            if e.code == .wrongType {
                code = wrongType
                text = e.message
            } else if e.code == .invalidArgument {
                code = usage
                text = e.message
            } else if let redis = e.redis, redis.isTransient {
                code = unavailable
                text = "Redis unreachable: \(redis.message)"
            } else {
                code = failure
                text = e.message
            }
        case let e as RedisError:
            code = e.isTransient ? unavailable : (e.code == .invalidConfiguration ? usage : failure)
            text = e.isTransient ? "Redis unreachable: \(e.message)" : e.message
        default:
            code = failure
            text = "\(error)"
        }
        FileHandle.standardError.write(Data("buraq: error: \(text)\n".utf8))
        return ExitCode(code)
    }
}
