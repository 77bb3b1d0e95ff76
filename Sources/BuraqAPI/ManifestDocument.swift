import BuraqYAML

/// One non-empty document of a manifest file, checked as a TaskQueue when it is one.
public struct ManifestDocument: Sendable {
    /// The file, as the caller named it.
    public var file: String
    /// Position in the stream, from 0.
    public var index: Int
    /// The line the document's content starts on.
    public var line: Int
    /// The document's `apiVersion`, when it has one.
    public var apiVersion: String?
    /// The document's `kind`, when it has one.
    public var kind: String?
    /// The document's `metadata.name`, when it has one.
    public var name: String?
    /// The TaskQueue, when the document is one without problems.
    public var taskQueue: TaskQueue?
    /// Every problem, in file order: decoding errors, unknown fields and broken rules, each with
    /// its line, column and field path.
    public var problems: [YAMLError]

    /// Whether the document is a TaskQueue (`buraq.dev` group, kind `TaskQueue`); other kinds are
    /// not checked.
    public var isTaskQueue: Bool {
        kind == TaskQueue.kind && apiVersion?.split(separator: "/").first.map(String.init) == TaskQueue.group
    }

    /// Whether the document is a TaskQueue with no problems.
    public var isValid: Bool { isTaskQueue && problems.isEmpty }
}
