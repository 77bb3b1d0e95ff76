import BuraqRedis
import Testing

@Suite struct RedisConfigurationTests {
    @Test(arguments: [
        ("redis://localhost", "localhost", 6379, nil, nil, 0),
        ("redis://10.0.0.1:6380/3", "10.0.0.1", 6380, nil, nil, 3),
        ("redis://:s3cret@host:7000", "host", 7000, nil, "s3cret", 0),
        ("redis://alice:p%40ss@host/2", "host", 6379, "alice", "p@ss", 2),
        ("redis://secret@host", "host", 6379, nil, "secret", 0),
        ("host.example:6390", "host.example", 6390, nil, nil, 0),
        ("redis://[::1]:6390/1", "::1", 6390, nil, nil, 1),
        ("redis://h?db=5", "h", 6379, nil, nil, 5),
    ] as [(String, String, Int, String?, String?, Int)])
    func parsesURLs(url: String, host: String, port: Int, user: String?, password: String?, db: Int) throws {
        let c = try RedisConfiguration(url: url)
        #expect(c.endpoint == .tcp(host: host, port: port))
        #expect(c.username == user)
        #expect(c.password == password)
        #expect(c.database == db)
    }

    @Test func parsesUnixSocketAndTimeouts() throws {
        let c = try RedisConfiguration(url: "unix:///run/redis.sock?db=2&connectTimeout=150&commandTimeout=900")
        #expect(c.endpoint == .unixSocket(path: "/run/redis.sock"))
        #expect(c.database == 2)
        #expect(c.connectTimeout == .milliseconds(150))
        #expect(c.commandTimeout == .milliseconds(900))
    }

    @Test(arguments: [
        ("rediss://host", "TLS"),
        ("http://host", "expected scheme"),
        ("redis://host:99999", "port must be 1-65535"),
        ("redis://host:abc", "port must be 1-65535"),
        ("redis://host/-1", "database must be a non-negative integer"),
        ("redis://host?bogus=1", "unknown query option 'bogus'"),
        ("redis://[::1", "unclosed '['"),
        ("unix://relative", "absolute socket path"),
    ])
    func rejectsBadURLs(url: String, expected: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains(url))
        }
    }

    @Test func displayAddressHidesPassword() throws {
        let c = try RedisConfiguration(url: "redis://u:topsecret@h:1/4")
        #expect(c.displayAddress == "h:1/4")
    }

    @Test func backoffGrowsWithJitterBounds() {
        let b = Backoff(initialDelay: .milliseconds(100), maxDelay: .seconds(5))
        #expect(b.ceiling(forAttempt: 1) == .milliseconds(100))
        #expect(b.ceiling(forAttempt: 2) == .milliseconds(200))
        #expect(b.ceiling(forAttempt: 4) == .milliseconds(800))
        #expect(b.ceiling(forAttempt: 40) == .seconds(5))
        #expect(b.delay(forAttempt: 3, random: 0) == .milliseconds(200))
        #expect(b.delay(forAttempt: 3, random: 0.999999) <= .milliseconds(400))
        // Equal jitter keeps delays non-decreasing from one attempt to the next while below the cap.
        for attempt in 1..<6 {
            #expect(b.delay(forAttempt: attempt, random: 0.99) <= b.delay(forAttempt: attempt + 1, random: 0) + .nanoseconds(1))
        }
    }
}

@testable import BuraqRedis

@Suite struct RESPEncoderTests {
    @Test func encodesArraysOfBulkStringsBinarySafe() {
        let bytes = RESPEncoder.encode([RedisCommand("SET", "k", [UInt8]([0, 13, 10])), RedisCommand("PING")])
        #expect(bytes == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n".utf8) + [0, 13, 10] + Array("\r\n*1\r\n$4\r\nPING\r\n".utf8))
        var out: [UInt8] = []
        for n in [0, 9, 10, 12345, Int(Int32.max)] {
            out.removeAll()
            RESPEncoder.appendDecimal(n, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(n))
        }
    }

    @Test func encodedPipelineMatchesTheEncoder() {
        let commands = [RedisCommand("XADD", "s", "*", "payload", [UInt8]([0, 13, 10, 255]), "n", Int64(-42)),
                        RedisCommand("PING"), RedisCommand("SET", "k", "")]
        var pipeline = EncodedPipeline()
        pipeline.beginCommand("XADD", argumentCount: 7)
        pipeline.append("s"); pipeline.append("*"); pipeline.append("payload")
        pipeline.append([UInt8]([0, 13, 10, 255])); pipeline.append("n"); pipeline.append(Int64(-42))
        #expect(pipeline.isComplete)
        pipeline.append(commands[1])
        pipeline.beginCommand("SET", argumentCount: 3)
        #expect(!pipeline.isComplete)
        pipeline.append("k")
        [UInt8]().withUnsafeBufferPointer { pipeline.append($0) }
        #expect(pipeline.isComplete)
        #expect(pipeline.count == 3)
        #expect(pipeline.firstCommandName == "XADD")
        #expect(pipeline.bytes == RESPEncoder.encode(commands))
    }
}
