import Testing

extension RedisServer {
    /// The server provided by the enclosing ``RedisServerTrait`` scope.
    @TaskLocal public static var current: RedisServer?
}

/// A suite trait that starts one private redis-server for the whole suite and stops it after:
/// `@Suite(.redisServer) struct MyTests { ... RedisServer.current ... }`.
public struct RedisServerTrait: SuiteTrait, TestTrait, TestScoping {
    let arguments: [String]

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        if RedisServer.current != nil {
            try await function()
            return
        }
        let server = try await RedisServer.start(arguments: arguments)
        do {
            try await RedisServer.$current.withValue(server) {
                try await function()
            }
        } catch {
            await server.shutDown()
            throw error
        }
        await server.shutDown()
    }
}

extension Trait where Self == RedisServerTrait {
    /// One private redis-server for the suite (see ``RedisServerTrait``).
    public static var redisServer: RedisServerTrait { RedisServerTrait(arguments: []) }

    /// One private redis-server for the suite, started with extra options.
    public static func redisServer(arguments: [String]) -> RedisServerTrait { RedisServerTrait(arguments: arguments) }
}
