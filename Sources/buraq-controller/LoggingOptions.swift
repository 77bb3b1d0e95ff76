import ArgumentParser
import BuraqController
import BuraqQueue
import Logging

/// `--log-format` and `--log-level`, shared by the subcommands.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case logfmt, json
    }

    @Option(help: "Log format: logfmt (key=value) or json.")
    var logFormat: Format = .logfmt

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    /// Installs the handler for the whole process.
    func bootstrap() {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format == .json ? .json : .logfmt)
            handler.logLevel = level
            return handler
        }
    }
}
