import ArgumentParser
import BuraqController
import BuraqQueue
import Logging

/// `--log-format` and `--log-level`, shared by the subcommands.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log format: logfmt (key=value) or json.")
    var logFormat: LineLogHandler.Format = .logfmt

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    /// Installs the handler for the whole process.
    func bootstrap() {
        LineLogHandler.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, format: logFormat)
    }
}

extension LineLogHandler.Format: ExpressibleByArgument {}
