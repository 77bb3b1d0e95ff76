import BuraqAPI
import BuraqRedis
import BuraqYAML

/// Reads TaskQueue YAML files for local mode: every document of a file is one TaskQueue.
///
/// Local conveniences over the Kubernetes form: `spec.redis` may be left out (the controller's
/// `--redis-url` is used), and a `passwordSecretRef` takes the password of `--redis-url` (there
/// are no Secrets on one machine). Everything else is validated exactly as the API server would.
public enum TaskQueueFileReader: Sendable {
    /// The decoder for ``LocalTaskQueueSource``.
    public static func decoder(defaultRedisURL: String) -> TaskQueueFileDecoder {
        let fallback = try? RedisConfiguration(url: defaultRedisURL)
        return { text, path throws(ControllerError) in
            let yaml = YAMLDecoder()
            let documents: [YAMLDocument]
            do { documents = try yaml.documents(from: text, file: path) } catch {
                throw ControllerError(code: .invalidSpec, message: "\(error)", context: ["file": path])
            }
            var result: [DecodedTaskQueue] = []
            for (index, document) in documents.enumerated() where !document.isEmpty {
                let root = withDefaultRedis(document.root, fallback)
                let name = root["metadata"]?["name"]?.scalar?.text ?? "\(fileStem(path))-\(index)"
                let key = TaskQueueKey(namespace: root["metadata"]?["namespace"]?.scalar?.text ?? "local", name: name)
                do {
                    let taskQueue = try yaml.decode(TaskQueue.self, from: root, file: path)
                    let password = taskQueue.spec.redis.passwordSecretRef == nil ? nil : fallback?.password
                    result.append(DecodedTaskQueue(key: key, target: QueueTarget.from(taskQueue, namespace: "local", password: password)))
                } catch {
                    result.append(
                        DecodedTaskQueue(
                            key: key,
                            target: .failure(ControllerError(code: .invalidSpec, message: "\(error)", context: ["file": path]))))
                }
            }
            return result
        }
    }

    /// Adds `spec.redis.address` from `--redis-url` when the document names no Redis.
    static func withDefaultRedis(_ root: YAMLNode, _ fallback: RedisConfiguration?) -> YAMLNode {
        guard let fallback, case .tcp(let host, let port) = fallback.endpoint,
            var pairs = root.mapping, let specIndex = pairs.firstIndex(where: { $0.key.scalar?.text == "spec" }),
            var spec = pairs[specIndex].value.mapping, !spec.contains(where: { $0.key.scalar?.text == "redis" })
        else { return root }
        let mark = pairs[specIndex].value.mark
        func scalar(_ text: String) -> YAMLNode { YAMLNode(.scalar(YAMLScalar(text)), mark: mark) }
        let redis = YAMLNode(
            .mapping([
                .init(key: scalar("address"), value: scalar(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")),
                .init(key: scalar("database"), value: scalar("\(fallback.database)")),
            ]), mark: mark)
        spec.append(.init(key: scalar("redis"), value: redis))
        pairs[specIndex].value = YAMLNode(.mapping(spec), mark: mark, tag: pairs[specIndex].value.tag)
        return YAMLNode(.mapping(pairs), mark: root.mark, tag: root.tag)
    }

    private static func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}
