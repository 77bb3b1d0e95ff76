import FoundationEssentials
import Glibc
import Logging

/// One TaskQueue read from a file: its key and its target, or why it is invalid.
public struct DecodedTaskQueue: Sendable {
    /// `local/<metadata.name>`.
    public var key: TaskQueueKey
    /// The target, or the problem with the spec.
    public var target: Result<QueueTarget, ControllerError>

    /// Creates a decoded TaskQueue.
    public init(key: TaskQueueKey, target: Result<QueueTarget, ControllerError>) {
        self.key = key
        self.target = target
    }
}

/// Turns one file's text into TaskQueues (a file may hold several YAML documents); throws when
/// the file cannot be read as TaskQueues at all.
public typealias TaskQueueFileDecoder = @Sendable (_ text: String, _ path: String) throws(ControllerError) -> [DecodedTaskQueue]

/// Local mode's TaskQueues: YAML files in a directory (or one file), read again when they change.
///
/// A file that does not parse never stops the others: the TaskQueues it held before keep their
/// workers and become Degraded with the parser's message (file, line, column); a new bad file
/// shows as a Degraded TaskQueue named after the file. A TaskQueue whose file is removed is
/// deleted (its workers drain).
public struct LocalTaskQueueSource: TaskQueueSource {
    /// The file or directory.
    public let path: String
    private let decode: TaskQueueFileDecoder
    private let interval: Duration
    private let logger: Logger

    /// Creates a source over `path`, checking for changes every `interval`.
    public init(
        path: String, interval: Duration = .seconds(1), logger: Logger = Logger(label: "buraq.controller.local"),
        decode: @escaping TaskQueueFileDecoder
    ) {
        self.path = path
        self.decode = decode
        self.interval = interval
        self.logger = logger
    }

    private struct FileStamp: Equatable {
        var modified: Date?
        var size: Int
        var inode: Int
    }

    public func run(onChange: @escaping @Sendable (TaskQueueChange) -> Void) async throws {
        var stamps: [String: FileStamp] = [:]
        var keysByFile: [String: [TaskQueueKey]] = [:]
        var targets: [TaskQueueKey: (generation: Int64, target: Result<QueueTarget, ControllerError>)] = [:]
        var synced = false
        while !Task.isCancelled {
            let files = listFiles()
            var seen = Set<String>()
            for file in files {
                seen.insert(file)
                guard let stamp = Self.stamp(file), stamps[file] != stamp else { continue }
                stamps[file] = stamp
                var decoded: [DecodedTaskQueue]
                do {
                    let text = try String(contentsOfFile: file, encoding: .utf8)
                    decoded = try decode(text, file)
                } catch let error as ControllerError {
                    decoded = badFile(file, error, previous: keysByFile[file])
                } catch {
                    decoded = badFile(
                        file, ControllerError(code: .invalidSpec, message: "\(file): \(error)"),
                        previous: keysByFile[file])
                }
                let keys = decoded.map(\.key)
                for gone in (keysByFile[file] ?? []) where !keys.contains(gone) {
                    targets[gone] = nil
                    onChange(.delete(gone))
                }
                keysByFile[file] = keys
                for item in decoded {
                    let previous = targets[item.key]
                    if let previous, Self.same(previous.target, item.target) { continue }
                    let generation = (previous?.generation ?? 0) + 1
                    var target = item.target
                    if case .success(var value) = target {
                        value.generation = generation
                        target = .success(value)
                    }
                    targets[item.key] = (generation, target)
                    if case .failure(let error) = target {
                        logger.error("Invalid TaskQueue file", metadata: ["file": "\(file)", "taskQueue": "\(item.key)", "detail": "\(error.message)"])
                    } else {
                        logger.info("Loaded TaskQueue", metadata: ["file": "\(file)", "taskQueue": "\(item.key)", "generation": "\(generation)"])
                    }
                    onChange(.upsert(item.key, generation: generation, target))
                }
            }
            for file in Array(keysByFile.keys) where !seen.contains(file) {
                logger.info("TaskQueue file removed", metadata: ["file": "\(file)"])
                for key in keysByFile[file] ?? [] {
                    targets[key] = nil
                    onChange(.delete(key))
                }
                keysByFile[file] = nil
                stamps[file] = nil
            }
            if !synced {
                synced = true
                onChange(.synced)
            }
            try await Task.sleep(for: interval)
        }
    }

    /// The TaskQueues a bad file stands for: those it held before, or one named after the file.
    private func badFile(_ file: String, _ error: ControllerError, previous: [TaskQueueKey]?) -> [DecodedTaskQueue] {
        var error = error
        error.code = .invalidSpec
        if !error.message.contains(file) { error.message = "\(file): \(error.message)" }
        let keys = previous.flatMap { $0.isEmpty ? nil : $0 } ?? [
            TaskQueueKey(namespace: "local", name: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        ]
        return keys.map { DecodedTaskQueue(key: $0, target: .failure(error)) }
    }

    private func listFiles() -> [String] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && [".yaml", ".yml", ".json"].contains { name.hasSuffix($0) }
        }.sorted().map { "\(path)/\($0)" }
    }

    private static func stamp(_ file: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return nil }
        return FileStamp(
            modified: attributes[.modificationDate] as? Date, size: (attributes[.size] as? Int) ?? 0,
            inode: (attributes[.systemFileNumber] as? Int) ?? 0)
    }

    private static func same(
        _ a: Result<QueueTarget, ControllerError>, _ b: Result<QueueTarget, ControllerError>
    ) -> Bool {
        switch (a, b) {
        case (.success(var x), .success(let y)):
            x.generation = y.generation
            return x == y
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }
}
