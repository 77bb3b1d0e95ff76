import BuraqController

/// Reads TaskQueue YAML files for local mode. (Placeholder until BuraqAPI's TaskQueue lands.)
enum TaskQueueFiles {
    static func decode(defaultRedisURL: String) -> TaskQueueFileDecoder {
        { _, path throws(ControllerError) in
            throw ControllerError(code: .invalidSpec, message: "\(path): TaskQueue YAML support is not built in yet")
        }
    }
}
