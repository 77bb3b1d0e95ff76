/// A task handler: runs one task; throwing marks the attempt failed.
public typealias TaskHandler = @Sendable (BuraqTask) async throws -> Void

/// Handlers by task type.
public struct HandlerRegistry: Sendable {
    private var handlers: [String: TaskHandler] = [:]

    public init() {}

    /// Registers `handler` for tasks whose `type` is `type` (replacing any earlier one).
    public mutating func register(_ type: String, handler: @escaping TaskHandler) {
        handlers[type] = handler
    }

    /// The handler for a type, if any.
    public func handler(for type: String) -> TaskHandler? { handlers[type] }

    /// Registered types, sorted.
    public var types: [String] { handlers.keys.sorted() }
}
