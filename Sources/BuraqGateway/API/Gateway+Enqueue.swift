import BuraqHTTP
import BuraqQueue

extension Gateway {
    /// `POST /v1/queues/{queue}/tasks` and `.../tasks:batch`: 202 with `{id, duplicate}` or
    /// `{tasks: [{id, duplicate}]}`. Order of checks: 401/403, 400 (queue name, body), 413,
    /// 429 (the client's token bucket, one token per task), 503 (backlog over the maximum).
    func enqueue(_ request: HTTPRequest, batch: Bool) async -> HTTPResponse {
        await authorized(request, .write) { caller throws(GatewayError) in
            let queue = try queueName(request)
            let now = clock.nowMilliseconds()
            let tasks: [TaskRequest]
            do throws(GatewayError) {
                tasks = batch ? try decoder.decodeBatch(request.body, now: now) : [try decoder.decodeOne(request.body, now: now)]
            } catch {
                metrics.rejected(queue: queue, reason: "invalid", count: 1)
                throw error
            }
            if let wait = limiter.admit(caller.name, cost: Double(tasks.count)) {
                metrics.rejected(queue: queue, reason: "rateLimited", count: tasks.count)
                throw GatewayError(status: 429, code: "rateLimited",
                                   message: "Client '\(caller.name)' is over \(limiter.rate) tasks a second", retryAfterSeconds: wait)
            }
            if let full = await gate.admit(queue: queue, count: tasks.count) {
                metrics.rejected(queue: queue, reason: full.code == "backlogFull" ? "backlogFull" : "redis", count: tasks.count)
                throw full
            }
            let results: [EnqueueResult]
            do throws(QueueError) { results = try await coalescer.submit(tasks, queue: queue) } catch {
                metrics.rejected(queue: queue, reason: "redis", count: tasks.count)
                logger.warning("Cannot enqueue", metadata: ["queue": "\(queue)", "tasks": "\(tasks.count)", "error": "\(error)"])
                throw GatewayError.queue(error)
            }
            directory.remember(queue)
            metrics.accepted(queue: queue, count: results.filter { !$0.isDuplicate }.count)
            let items = results.map { "{\"id\":\(JSONBody.quoted($0.id)),\"duplicate\":\($0.isDuplicate)}" }
            let body = batch ? "{\"tasks\":[" + items.joined(separator: ",") + "]}" : items[0]
            return HTTPResponse.json(Array(body.utf8), status: 202)
        }
    }
}
