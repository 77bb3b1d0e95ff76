import BuraqRedis
import BuraqTestSupport
import Foundation
import Testing

@Suite(.redisServer) struct RedisClientTests {
    func client(poolSize: Int = 2, commandTimeout: Duration = .seconds(2)) throws -> RedisClient {
        let server = try #require(RedisServer.current)
        var config = try RedisConfiguration(url: server.url)
        config.commandTimeout = commandTimeout
        return RedisClient(configuration: config, poolSize: poolSize)
    }

    @Test func pipelinedRepliesComeBackInOrder() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "pipe:\(UUID().uuidString)"
        var commands = [RedisCommand("DEL", key)]
        for i in 0..<500 { commands.append(RedisCommand("RPUSH", key, "v\(i)")) }
        commands.append(RedisCommand("LRANGE", key, 0, -1))
        let replies = try await redis.pipeline(commands)
        #expect(replies.count == 502)
        for i in 0..<500 { #expect(replies[i + 1] == .integer(Int64(i + 1))) }
        #expect(replies[501].array?.compactMap(\.string) == (0..<500).map { "v\($0)" })
    }

    @Test func encodedPipelineRunsInOneRoundTrip() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "encoded:\(UUID().uuidString)"
        var pipeline = EncodedPipeline()
        for i in 0..<300 {
            pipeline.beginCommand("RPUSH", argumentCount: 3)
            pipeline.append(key)
            pipeline.append([UInt8]([0, UInt8(i % 256), 10]))
        }
        pipeline.beginCommand("LLEN", argumentCount: 2)
        pipeline.append(key)
        pipeline.beginCommand("NOSUCHCOMMAND", argumentCount: 1)
        let replies = try await redis.pipeline(pipeline)
        #expect(replies.count == 302)
        #expect(replies[299] == .integer(300))
        #expect(replies[300] == .integer(300))
        #expect(replies[301].errorMessage?.contains("unknown command") == true)
        #expect(try await redis.send("LINDEX", key, 7) == .bulk([0, 7, 10]))
    }

    @Test func anArgumentWrittenFromPartsEqualsTheJoinedText() async throws {
        var parts = EncodedPipeline()
        parts.beginCommand("SET", argumentCount: 3)
        parts.append("buraq:{", "qué-1", "}:stream")
        parts.append("", "", "")
        var joined = EncodedPipeline()
        joined.append(RedisCommand("SET", "buraq:{qué-1}:stream", ""))
        #expect(parts.bytes == joined.bytes && parts.isComplete)
        let redis = try client()
        defer { redis.close() }
        #expect(try await redis.pipeline(parts) == [.status("OK")])
        #expect(try await redis.send("STRLEN", "buraq:{qué-1}:stream") == .integer(0))
    }

    @Test func decodedPipelineSeesEachReplyWithItsPosition() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "decoded:\(UUID().uuidString)"
        var pipeline = EncodedPipeline()
        pipeline.append(RedisCommand("RPUSH", key, "a", "bb", "ccc"))
        pipeline.append(RedisCommand("LRANGE", key, 0, -1))
        pipeline.append(RedisCommand("GET", "missing:\(UUID().uuidString)"))
        pipeline.append(RedisCommand("INCR", key))
        pipeline.append(RedisCommand("PING"))
        let described = try await redis.pipeline(pipeline) { index, view -> String in
            switch view.kind {
            case .integer: return "\(index) integer \(view.integer!)"
            case .array: return "\(index) array " + (0..<view.count).map { "\(view[$0].bytes!.count)" }.joined(separator: ",")
            case .null: return "\(index) null \(view.integer == nil && view.errorMessage == nil)"
            case .error: return "\(index) error \(view.errorMessage!.prefix(9)) \(view.string == nil)"
            case .status: return "\(index) status \(view.holds("PONG")) \(view.holds("PON")) \(view.holds("PONGS"))"
            case .bulk, .other: return "\(index) other"
            }
        }
        #expect(described == ["0 integer 3", "1 array 1,2,3", "2 null true", "3 error WRONGTYPE true", "4 status true false false"])
    }

    @Test func decodedSendThrowsTheServersText() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "decodedwt:\(UUID().uuidString)"
        try await redis.send("SET", key, "x")
        do {
            _ = try await redis.send(RedisCommand("LPUSH", key, "y"), decoding: { $0.integer })
            Issue.record("expected WRONGTYPE")
        } catch {
            #expect(error.code == .server && error.context["command"] == "LPUSH")
            #expect(error.message.hasPrefix("WRONGTYPE Operation against a key holding the wrong kind of value"))
        }
    }

    @Test func binaryPayloadsWithNULBytesRoundTrip() async throws {
        let redis = try client()
        defer { redis.close() }
        var payload: [UInt8] = [0, 0, 1, 255, 0, 10, 13]
        payload += (0...255).map { UInt8($0) }
        let key: [UInt8] = Array("bin:".utf8) + [0, 7, 0]
        try await redis.send("SET", key, payload)
        let back = try await redis.send("GET", key)
        #expect(back == .bulk(payload))
        let empty = try await redis.send("SET", "bin:empty", [UInt8]())
        #expect(empty == .status("OK"))
        #expect(try await redis.send("GET", "bin:empty") == .bulk([]))
    }

    @Test func repliesMapToRESPValues() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "map:\(UUID().uuidString)"
        let replies = try await redis.pipeline([
            RedisCommand("PING"),
            RedisCommand("GET", "missing:\(UUID().uuidString)"),
            RedisCommand("INCRBY", key, 41),
            RedisCommand("INCR", key),
            RedisCommand("LPUSH", key, "x"),
            RedisCommand("MGET", key, "missing"),
            RedisCommand("XREAD", "COUNT", 1, "STREAMS", "nostream:\(UUID().uuidString)", "0"),
        ])
        #expect(replies[0] == .status("PONG"))
        #expect(replies[1] == .null)
        #expect(replies[2] == .integer(41))
        #expect(replies[3] == .integer(42))
        #expect(replies[4].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[5] == .array([.bulk(Array("42".utf8)), .null]))
        #expect(replies[6] == .null)
    }

    @Test func serverErrorsThrowWithRedisText() async throws {
        let redis = try client()
        defer { redis.close() }
        let key = "wt:\(UUID().uuidString)"
        try await redis.send("SET", key, "x")
        do {
            try await redis.send("LPUSH", key, "y")
            Issue.record("expected WRONGTYPE")
        } catch {
            #expect(error.code == .server)
            #expect(error.prefix == "WRONGTYPE")
            #expect(error.message.contains("Operation against a key holding the wrong kind of value"))
            #expect(error.context["command"] == "LPUSH")
        }
        // The connection stays usable after an error reply.
        #expect(try await redis.send("GET", key) == .bulk(Array("x".utf8)))
    }

    @Test func commandTimeoutFiresAndConnectionRecovers() async throws {
        let redis = try client(poolSize: 1, commandTimeout: .milliseconds(150))
        defer { redis.close() }
        do {
            try await redis.send(RedisCommand("BLPOP", "never:\(UUID().uuidString)", 2))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.isTransient)
        }
        // A per-call timeout longer than the block time lets a blocking command finish.
        let reply = try await redis.send(RedisCommand("BLPOP", "never:\(UUID().uuidString)", "0.2"), timeout: .seconds(2))
        #expect(reply == .null)
        #expect(try await redis.send("PING") == .status("PONG"))
    }

    @Test func connectFailureIsReported() async throws {
        let port = try freeLoopbackPort()
        let redis = RedisClient(configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port),
                                                                  connectTimeout: .milliseconds(200)), poolSize: 1)
        defer { redis.close() }
        do {
            try await redis.send("PING")
            Issue.record("expected a connection failure")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func decodedScriptsReloadAfterFlush() async throws {
        // NOSCRIPT is recognised by its text: the decoding path used to lose the text of error
        // replies, so a flushed script cache (a Redis restart) failed every later run.
        let redis = try client()
        defer { redis.close() }
        let script = RedisScript(name: "twice", source: "return tonumber(ARGV[1]) * 2")
        #expect(try await redis.run(script, keys: [], arguments: [21], decoding: { $0.integer }) == 42)
        try await redis.send("SCRIPT", "FLUSH")
        #expect(try await redis.run(script, keys: [], arguments: [5], decoding: { $0.integer }) == 10)
    }

    @Test func scriptsLoadOnceAndReloadAfterFlush() async throws {
        let redis = try client()
        defer { redis.close() }
        let script = RedisScript(name: "sum", source: "return tonumber(ARGV[1]) + tonumber(ARGV[2]) + #KEYS")
        #expect(try await redis.run(script, keys: ["a", "b"], arguments: [2, 3]) == .integer(7))
        try await redis.send("SCRIPT", "FLUSH")
        #expect(try await redis.run(script, keys: ["a"], arguments: [10, 5]) == .integer(16))
        let broken = RedisScript(name: "broken", source: "return redis.call('NOPE')")
        do {
            try await redis.run(broken, keys: [])
            Issue.record("expected a script error")
        } catch {
            #expect(error.code == .server)
            #expect(error.context["script"] == "broken")
        }
    }

    @Test func closedClientFailsFast() async throws {
        let redis = try client()
        redis.close()
        do {
            try await redis.send("PING")
            Issue.record("expected closed")
        } catch {
            #expect(error.code == .closed)
        }
    }
}

/// Tests that need a server of their own (restarts, passwords): one each, from the test trait.
@Suite struct RedisConnectionLifecycleTests {
    @Test(.redisServer) func reconnectsAfterServerRestart() async throws {
        let server = try #require(RedisServer.current)
        let redis = RedisClient(configuration: try RedisConfiguration(url: server.url), poolSize: 1)
        defer { redis.close() }
        #expect(try await redis.send("PING") == .status("PONG"))
        try await server.restart()
        // The first command after the restart may fail on the dead socket; the next reconnects.
        var answered = false
        for _ in 0..<50 where !answered {
            if let reply = try? await redis.send("PING") { answered = reply == .status("PONG") }
        }
        #expect(answered)
    }

    @Test(.redisServer(arguments: ["--requirepass", "topsecret"]))
    func authenticatesWithPasswordAndACLUserAndSelectsDatabase() async throws {
        let server = try #require(RedisServer.current)
        let admin = RedisClient(configuration: try RedisConfiguration(url: "redis://:topsecret@127.0.0.1:\(server.port)/3"), poolSize: 1)
        defer { admin.close() }
        try await admin.send("SET", "where", "db3")
        #expect(try await admin.send("ACL", "SETUSER", "alice", "on", ">wonderland", "~*", "+@all") == .status("OK"))

        let alice = RedisClient(configuration: try RedisConfiguration(url: "redis://alice:wonderland@127.0.0.1:\(server.port)/3"), poolSize: 1)
        defer { alice.close() }
        #expect(try await alice.send("GET", "where") == .bulk(Array("db3".utf8)))
        #expect(try await alice.send("ACL", "WHOAMI") == .bulk(Array("alice".utf8)))

        let wrong = RedisClient(configuration: try RedisConfiguration(url: "redis://:nope@127.0.0.1:\(server.port)"), poolSize: 1)
        defer { wrong.close() }
        do {
            try await wrong.send("PING")
            Issue.record("expected AUTH failure")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("AUTH failed"))
        }
    }
}
