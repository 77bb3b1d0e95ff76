import ArgumentParser
import BuraqAPI
import BuraqYAML
import Foundation

/// `buraq validate`: checks TaskQueue manifests the way the API server would, before
/// `kubectl apply` or the controller's local mode reads them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check TaskQueue manifests: YAML syntax, field types, unknown fields and every rule of the CRD.",
        discussion: """
            Prints one line per problem, `file:line:col: path: message`, and one line per document of \
            another kind (skipped). A directory means its .yaml, .yml and .json files.

            Exit codes: 0 every TaskQueue is valid, 1 a problem was found or a file could not be read, \
            64 bad arguments.
            """)

    enum Output: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: [.customShort("f"), .customLong("filename")], help: "A file, a directory, or - for standard input (repeatable).")
    var files: [String] = []

    @Flag(name: [.customShort("R"), .long], help: "Descend into subdirectories of directories given with -f.")
    var recursive = false

    @Option(help: "Output format: text or json.")
    var output: Output = .text

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one -f FILE, -f DIR or -f -") }
    }

    func run() throws {
        var report = ValidationReport()
        for argument in files {
            for source in expand(argument, into: &report) {
                check(source, into: &report)
            }
        }
        switch output {
        case .text: report.printText()
        case .json: try report.printJSON()
        }
        if !report.problems.isEmpty { throw ExitCode(CLIExit.failure) }
    }

    /// The files an argument stands for: itself, stdin, or the manifests in a directory.
    private func expand(_ argument: String, into report: inout ValidationReport) -> [String] {
        if argument == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            report.problems.append(ValidationReport.Problem(file: argument, line: 0, column: 0, path: "", code: "unreadable",
                                                            message: "no such file or directory"))
            return []
        }
        guard isDirectory.boolValue else { return [argument] }
        let base = URL(fileURLWithPath: argument)
        var found: [String] = []
        let names: [String]
        if recursive {
            names = (FileManager.default.enumerator(atPath: argument)?.allObjects as? [String]) ?? []
        } else {
            names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
        }
        for name in names where [".yaml", ".yml", ".json"].contains(where: name.hasSuffix) {
            found.append(base.appendingPathComponent(name).relativePath)
        }
        return found.sorted()
    }

    private func check(_ source: String, into report: inout ValidationReport) {
        let name = source == "-" ? "<stdin>" : source
        let data: Data
        do {
            data = source == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: source))
        } catch {
            report.problems.append(ValidationReport.Problem(file: name, line: 0, column: 0, path: "", code: "unreadable",
                                                            message: "cannot read: \(error.localizedDescription)"))
            return
        }
        report.files += 1
        do {
            for document in try TaskQueueManifest.read(bytes: data, file: name) {
                report.add(document)
            }
        } catch {
            report.problems.append(ValidationReport.Problem(error))
        }
    }
}

/// What `buraq validate` found, printed as text or JSON.
struct ValidationReport: Encodable {
    struct Problem: Encodable {
        var file: String
        var line: Int
        var column: Int
        var path: String
        var code: String
        var message: String

        init(file: String, line: Int, column: Int, path: String, code: String, message: String) {
            (self.file, self.line, self.column, self.path, self.code, self.message) = (file, line, column, path, code, message)
        }

        init(_ error: YAMLError) {
            self.init(file: error.file ?? "<input>", line: error.line, column: error.column, path: error.path,
                      code: error.code.rawValue, message: error.message)
        }

        var text: String {
            guard line > 0 else { return "\(file): \(message)" }
            return "\(file):\(line):\(column): " + (path.isEmpty ? "" : "\(path): ") + message
        }
    }

    struct Document: Encodable {
        var file: String
        var line: Int
        var apiVersion: String?
        var kind: String?
        var name: String?
    }

    var files = 0
    var taskQueues = 0
    var valid: [Document] = []
    var skipped: [Document] = []
    var problems: [Problem] = []

    mutating func add(_ document: ManifestDocument) {
        let summary = Document(file: document.file, line: document.line, apiVersion: document.apiVersion,
                               kind: document.kind, name: document.name)
        problems += document.problems.map(Problem.init)
        if document.isTaskQueue {
            taskQueues += 1
            if document.isValid { valid.append(summary) }
        } else if document.problems.isEmpty {
            skipped.append(summary)
        }
    }

    func printText() {
        for problem in problems { print(problem.text) }
        for document in skipped {
            print("\(document.file):\(document.line): skipped \(document.kind ?? "?")/\(document.name ?? "?") (\(document.apiVersion ?? "?")): not a TaskQueue")
        }
        let invalid = taskQueues - valid.count
        print("\(files) file\(files == 1 ? "" : "s"): \(valid.count) TaskQueue\(valid.count == 1 ? "" : "s") valid, \(invalid) invalid, \(skipped.count) other document\(skipped.count == 1 ? "" : "s") skipped, \(problems.count) problem\(problems.count == 1 ? "" : "s")")
    }

    func printJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}
