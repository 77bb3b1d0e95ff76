import BuraqYAML

/// Reads TaskQueue manifests as users write them (for `buraq validate` and the controller's
/// local mode): every document of a YAML stream, TaskQueues decoded with defaults and held to
/// the CRD's rules, other kinds passed over, each problem pointing at its line and column.
public enum TaskQueueManifest: Sendable {
    /// Checks every non-empty document of `text`.
    /// - Throws: a ``YAMLError`` when the text is not YAML (a syntax error stops the whole stream).
    public static func read(_ text: String, file: String, decoder: YAMLDecoder = YAMLDecoder()) throws(YAMLError)
        -> [ManifestDocument]
    {
        checkAll(try decoder.documents(from: text, file: file), file: file, decoder: decoder)
    }

    /// Checks every non-empty document of `bytes`.
    public static func read(bytes: some Collection<UInt8>, file: String, decoder: YAMLDecoder = YAMLDecoder())
        throws(YAMLError) -> [ManifestDocument]
    {
        checkAll(try decoder.documents(from: bytes, file: file), file: file, decoder: decoder)
    }

    /// Every non-empty document; a `List` (`kubectl get -o yaml` prints one) stands for its items.
    private static func checkAll(_ documents: [YAMLDocument], file: String, decoder: YAMLDecoder) -> [ManifestDocument] {
        var checked: [ManifestDocument] = []
        for document in documents where !document.isEmpty {
            let root = document.root
            if let kind = root["kind"]?.scalar?.text, kind == "List" || kind.hasSuffix("List"),
                let items = root["items"]?.sequence
            {
                for item in items {
                    let itemDocument = YAMLDocument(root: item, index: document.index, startLine: item.mark.line)
                    checked.append(check(itemDocument, file: file, decoder: decoder))
                }
            } else {
                checked.append(check(document, file: file, decoder: decoder))
            }
        }
        return checked
    }

    /// Checks one document.
    public static func check(_ document: YAMLDocument, file: String, decoder: YAMLDecoder = YAMLDecoder())
        -> ManifestDocument
    {
        let root = document.root
        var result = ManifestDocument(
            file: file, index: document.index, line: root.mark.line,
            apiVersion: root["apiVersion"]?.scalar?.text, kind: root["kind"]?.scalar?.text,
            name: root["metadata"]?["name"]?.scalar?.text, taskQueue: nil, problems: [])
        guard root.mapping != nil, result.kind != nil, result.apiVersion != nil else {
            result.problems = [
                YAMLError(
                    code: .typeMismatch,
                    message: "expected a Kubernetes object (a mapping with 'apiVersion' and 'kind'), got \(root.summary)",
                    file: file, mark: root.mark)
            ]
            return result
        }
        guard result.isTaskQueue else { return result }
        do {
            let (taskQueue, unknown) = try decoder.decodeReportingUnknownFields(TaskQueue.self, from: root, file: file)
            // metadata holds fields the API server owns (ownerReferences, managedFields…) and
            // status belongs to the controller: only the user's part is held to the schema.
            var problems = unknown.filter { !$0.path.hasPrefix("metadata.") && !$0.path.hasPrefix("status.") }
            problems += quantityProblems(root, file: file)
            for error in taskQueue.validationErrors() {
                problems.append(
                    YAMLError(
                        code: .invalidValue, message: error.message, file: file,
                        mark: root.closestNode(toPath: error.path).mark, path: error.path))
            }
            result.problems = problems.sorted { $0.mark < $1.mark }
            if problems.isEmpty { result.taskQueue = taskQueue }
        } catch {
            result.problems = [error]
        }
        return result
    }

    /// `tolerance` is a Kubernetes quantity: the API server takes an integer or a string, and
    /// refuses a decimal number, which YAML writes without quotes as readily as `0.05`.
    private static func quantityProblems(_ root: YAMLNode, file: String) -> [YAMLError] {
        var problems: [YAMLError] = []
        for direction in ["scaleUp", "scaleDown"] {
            let path = "spec.scaling.behavior.\(direction).tolerance"
            guard let node = root.node(atPath: path), let scalar = node.scalar, scalar.style == .plain, !scalar.isNull,
                Double(scalar.text) != nil, Int(scalar.text) == nil
            else { continue }
            problems.append(
                YAMLError(
                    code: .typeMismatch,
                    message: "must be a quoted quantity such as \"\(scalar.text)\": the API server refuses a decimal number here",
                    file: file, mark: node.mark, path: path))
        }
        return problems
    }
}
