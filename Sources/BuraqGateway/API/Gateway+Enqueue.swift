import BuraqHTTP
import BuraqQueue

extension Gateway {
    /// `POST /v1/queues/{queue}/tasks` and `.../tasks:batch`: 202 with `{id, duplicate}` or
    /// `{tasks: [{id, duplicate}]}`. Order of checks: 401/403, 400 (queue name, body), 413,
    /// 429 (the client's token bucket, one token per task), 503 (backlog over the maximum).
    ///
    /// Runs on the connection's event loop: every check before Redis is synchronous (the backlog
    /// as last read; only a queue's first request waits for it in a task), and the coalescer's
    /// flush answers straight through `respond`.
    func enqueue(_ request: HTTPRequest, batch: Bool, respond: HTTPResponder) {
        let queue: String
        let tasks: [TaskRequest]
        switch admitted(request, batch: batch) {
        case .failure(let error):
            respond(error.response)
            return
        case .success(let accepted):
            (queue, tasks) = accepted
        }
        switch gate.admitKnown(queue: queue, count: tasks.count) {
        case .admitted?:
            submit(tasks, queue: queue, batch: batch, respond: respond)
        case .refused(let full)?:
            refuse(full, queue: queue, count: tasks.count, respond: respond)
        case nil:
            Task {
                if let full = await gate.admit(queue: queue, count: tasks.count) {
                    refuse(full, queue: queue, count: tasks.count, respond: respond)
                } else {
                    submit(tasks, queue: queue, batch: batch, respond: respond)
                }
            }
        }
    }

    /// The checks before the backlog: caller, queue name, body, the caller's rate.
    private func admitted(_ request: HTTPRequest, batch: Bool) -> Result<(String, [TaskRequest]), GatewayError> {
        let caller: AccessPolicy.Caller
        switch policy.authorize(request, needs: .write) {
        case .failure(let error): return .failure(error)
        case .success(let known): caller = known
        }
        do throws(GatewayError) {
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
            return .success((queue, tasks))
        } catch {
            return .failure(error)
        }
    }

    private func refuse(_ full: GatewayError, queue: String, count: Int, respond: HTTPResponder) {
        metrics.rejected(queue: queue, reason: full.code == "backlogFull" ? "backlogFull" : "redis", count: count)
        respond(full.response)
    }

    private func submit(_ tasks: [TaskRequest], queue: String, batch: Bool, respond: HTTPResponder) {
        coalescer.submit(tasks, queue: queue) { [self] result in
            switch result {
            case .failure(let error):
                metrics.rejected(queue: queue, reason: "redis", count: tasks.count)
                logger.warning("Cannot enqueue", metadata: ["queue": "\(queue)", "tasks": "\(tasks.count)", "error": "\(error)"])
                respond(GatewayError.queue(error).response)
            case .success(let results):
                directory.remember(queue)
                metrics.accepted(queue: queue, count: results.filter { !$0.isDuplicate }.count)
                respond(HTTPResponse.json(Self.acceptedBody(results, batch: batch), status: 202))
            }
        }
    }

    /// `{"id":"…","duplicate":false}`, or `{"tasks":[…]}` for a batch, written straight as bytes.
    static func acceptedBody(_ results: [EnqueueResult], batch: Bool) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(results.count * 64 + 12)
        if batch { body.append(contentsOf: #"{"tasks":["#.utf8) }
        for (index, result) in results.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: #"{"id":"#.utf8)
            body.append(contentsOf: JSONBody.quoted(result.id).utf8)
            body.append(contentsOf: result.isDuplicate ? #","duplicate":true}"#.utf8 : #","duplicate":false}"#.utf8)
        }
        if batch { body.append(contentsOf: "]}".utf8) }
        return body
    }
}
