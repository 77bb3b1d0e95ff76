import BuraqHTTP
import BuraqQueue
import BuraqRedis

extension Gateway {
    /// `GET /v1/queues`: every queue with its numbers (a queue with a key of another type is left
    /// out; `GET /v1/queues/{queue}` names the key).
    func listQueues(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .read) { _ throws(GatewayError) in
            do throws(QueueError) {
                let now = clock.nowMilliseconds()
                var queues: [QueueSummary] = []
                for name in try await directory.queues() {
                    do throws(QueueError) { queues.append(try await sampler.read(name, now: now).summary) } catch {
                        if error.code != .wrongType { throw error }
                    }
                }
                return .json(JSONBody.encode(["queues": queues]))
            } catch { throw GatewayError.queue(error) }
        }
    }

    /// `GET /v1/queues/{queue}`: one queue's numbers; 404 when no key of it exists.
    func showQueue(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .read) { _ throws(GatewayError) in
            let name = try queueName(request)
            do {
                guard try await directory.queues().contains(name) else { throw GatewayError.notFound("No queue named '\(name)'") }
                return .json(JSONBody.encode(try await sampler.read(name, now: clock.nowMilliseconds()).summary))
            } catch let error as GatewayError { throw error } catch let error as QueueError { throw GatewayError.queue(error) } catch {
                throw GatewayError(status: 500, code: "internal", message: "\(error)")
            }
        }
    }

    /// `GET /v1/workers[?queue=Q]`: live workers from their heartbeats.
    func listWorkers(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .read) { _ throws(GatewayError) in
            do {
                let now = clock.nowMilliseconds()
                let names: [String]
                if let only = request.query("queue") {
                    do throws(QueueError) { try QueueName.validate(only) } catch { throw GatewayError.invalidField("queue", error.message) }
                    names = [only]
                } else {
                    names = try await directory.queues()
                }
                var workers: [WorkerSummary] = []
                for name in names {
                    let keys = try QueueKeys(queue: name)
                    workers += try await WorkerHeartbeat.list(redis: redis, keys: keys, now: now).map { WorkerSummary(queue: name, $0) }
                }
                return .json(JSONBody.encode(["workers": workers]))
            } catch let error as GatewayError { throw error } catch let error as QueueError { throw GatewayError.queue(error) } catch {
                throw GatewayError(status: 500, code: "internal", message: "\(error)")
            }
        }
    }

    /// `GET /healthz`: 200 when Redis answers PING, else 503.
    func health() async -> HTTPResponse {
        do {
            _ = try await redis.send(RedisCommand("PING"), timeout: .seconds(2))
            return .text("ok\n")
        } catch {
            return .text("redis unavailable: \(error.message)\n", status: 503)
        }
    }
}
