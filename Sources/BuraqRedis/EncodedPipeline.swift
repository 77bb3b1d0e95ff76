/// Commands already encoded in the Redis protocol, for callers that send many similar commands
/// (batched enqueue) and want no intermediate arrays per argument.
///
/// Start each command with ``beginCommand(_:argumentCount:)`` and then append exactly the
/// remaining arguments; the buffer is sent as it is by ``RedisClient/pipeline(_:timeout:)-(EncodedPipeline,_)``.
public struct EncodedPipeline: Sendable {
    /// The RESP bytes of every command so far.
    public private(set) var bytes: [UInt8] = []
    /// Commands in the buffer.
    public private(set) var count = 0
    /// The name of the first command, for errors.
    public private(set) var firstCommandName = ""
    private var pendingArguments = 0

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a command of `argumentCount` words, its name included, and appends the name.
    public mutating func beginCommand(_ name: String, argumentCount: Int) {
        start(argumentCount: argumentCount, name: name)
        append(name)
    }

    private mutating func start(argumentCount: Int, name: @autoclosure () -> String) {
        precondition(pendingArguments == 0, "the previous command is missing \(pendingArguments) arguments")
        precondition(argumentCount > 0, "a command has at least its name")
        bytes.append(UInt8(ascii: "*"))
        RESPEncoder.appendDecimal(argumentCount, to: &bytes)
        bytes.append(13); bytes.append(10)
        pendingArguments = argumentCount
        if count == 0 { firstCommandName = name().uppercased() }
        count += 1
    }

    /// Appends one argument of the current command.
    public mutating func append(_ argument: [UInt8]) {
        argument.withUnsafeBytes { append(raw: $0) }
    }

    /// Appends one argument from a buffer.
    public mutating func append(_ argument: UnsafeBufferPointer<UInt8>) {
        append(raw: UnsafeRawBufferPointer(argument))
    }

    /// Appends a text argument (UTF-8).
    public mutating func append(_ argument: String) {
        var text = argument
        text.withUTF8 { append(raw: UnsafeRawBufferPointer($0)) }
    }

    /// Appends one argument made of three texts joined, such as a key from its prefix, name and
    /// suffix, without building the joined String.
    public mutating func append(_ first: String, _ second: String, _ third: String) {
        precondition(pendingArguments > 0, "more arguments than beginCommand(_:argumentCount:) announced")
        bytes.append(UInt8(ascii: "$"))
        RESPEncoder.appendDecimal(first.utf8.count + second.utf8.count + third.utf8.count, to: &bytes)
        bytes.append(13); bytes.append(10)
        bytes.append(contentsOf: first.utf8)
        bytes.append(contentsOf: second.utf8)
        bytes.append(contentsOf: third.utf8)
        bytes.append(13); bytes.append(10)
        pendingArguments -= 1
    }

    private mutating func append(raw argument: UnsafeRawBufferPointer) {
        precondition(pendingArguments > 0, "more arguments than beginCommand(_:argumentCount:) announced")
        bytes.append(UInt8(ascii: "$"))
        RESPEncoder.appendDecimal(argument.count, to: &bytes)
        bytes.append(13); bytes.append(10)
        bytes.append(contentsOf: argument)
        bytes.append(13); bytes.append(10)
        pendingArguments -= 1
    }

    /// Appends an integer argument in decimal.
    public mutating func append(_ argument: Int64) {
        append(String(argument))  // a small string: no heap allocation
    }

    /// Appends a whole command built the ordinary way.
    public mutating func append(_ command: RedisCommand) {
        start(argumentCount: command.arguments.count, name: command.name)
        for argument in command.arguments { append(argument) }
    }

    /// Whether every started command got all its arguments.
    public var isComplete: Bool { pendingArguments == 0 }
}
