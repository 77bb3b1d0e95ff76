/// Encodes commands in the Redis protocol (RESP2 arrays of bulk strings), binary-safe.
enum RESPEncoder {
    /// All commands back to back, ready to be written in one go.
    static func encode(_ commands: [RedisCommand]) -> [UInt8] {
        var size = 0
        for command in commands {
            size += 16
            for argument in command.arguments { size += argument.count + 16 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        for command in commands {
            out.append(UInt8(ascii: "*"))
            appendDecimal(command.arguments.count, to: &out)
            out.append(13); out.append(10)
            for argument in command.arguments {
                out.append(UInt8(ascii: "$"))
                appendDecimal(argument.count, to: &out)
                out.append(13); out.append(10)
                out.append(contentsOf: argument)
                out.append(13); out.append(10)
            }
        }
        return out
    }

    @inline(__always)
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 {
            out.append(48 + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while n > 0 {
                buffer[count] = 48 + UInt8(n % 10)
                n /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }
}
