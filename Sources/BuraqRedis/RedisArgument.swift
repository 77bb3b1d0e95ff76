/// A value that can be sent as one argument of a Redis command (binary-safe).
public protocol RedisArgumentConvertible: Sendable {
    /// The argument's bytes as Redis receives them.
    var redisArgument: [UInt8] { get }
}

extension String: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(utf8) }
}

extension Substring: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(utf8) }
}

extension Array: RedisArgumentConvertible where Element == UInt8 {
    public var redisArgument: [UInt8] { self }
}

extension Int: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(String(self).utf8) }
}

extension Int64: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(String(self).utf8) }
}

extension UInt64: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(String(self).utf8) }
}

extension Double: RedisArgumentConvertible {
    public var redisArgument: [UInt8] { Array(String(self).utf8) }
}

/// One Redis command: its name and arguments as raw bytes.
public struct RedisCommand: Sendable, Hashable, CustomStringConvertible {
    /// Every word of the command, the name first.
    public var arguments: [[UInt8]]

    /// Builds a command from its words, e.g. `RedisCommand("XADD", key, "*", "type", "echo")`.
    public init(_ name: String, _ arguments: any RedisArgumentConvertible...) {
        self.arguments = [Array(name.utf8)] + arguments.map(\.redisArgument)
    }

    /// Builds a command from already-encoded words (the name first).
    public init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// Appends more arguments.
    public mutating func append(_ more: any RedisArgumentConvertible...) {
        arguments.append(contentsOf: more.map(\.redisArgument))
    }

    /// Appends one argument.
    public mutating func append(argument: any RedisArgumentConvertible) {
        arguments.append(argument.redisArgument)
    }

    /// The command name, upper-cased, for logs and errors.
    public var name: String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
    }

    public var description: String {
        arguments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
