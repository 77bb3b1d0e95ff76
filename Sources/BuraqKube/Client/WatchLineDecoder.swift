/// Splits a watch body into lines and decodes each as a ``WatchEvent`` as soon as it is complete.
public struct WatchLineDecoder: Sendable {
    public init() {}

    private var buffer: [UInt8] = []

    /// Adds bytes; returns the events completed by them.
    public mutating func push(_ bytes: [UInt8]) throws -> [WatchEvent] {
        buffer += bytes
        var events: [WatchEvent] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[start..<newline]
            start = newline + 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            events.append(try WatchEvent(line: line))
        }
        buffer.removeFirst(start)
        return events
    }

    /// At the end of the stream: a last line without a newline.
    public mutating func finish() throws -> [WatchEvent] {
        defer { buffer = [] }
        if buffer.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) { return [] }
        return [try WatchEvent(line: buffer)]
    }
}
