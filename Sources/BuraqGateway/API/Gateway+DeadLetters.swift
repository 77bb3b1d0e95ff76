import BuraqHTTP
import BuraqQueue
import BuraqRedis
import Foundation

/// A dead letter as the API shows it.
struct DeadLetterItem: Codable, Sendable {
    var entryId: String
    var taskId: String?
    var type: String?
    var reason: String?
    var error: String?
    var attempts: Int?
    var failedAt: Int64?
    var worker: String?
    /// The payload as text when it is valid UTF-8.
    var payload: String?
    var payloadBase64: String

    init(_ letter: DeadLetter) {
        entryId = letter.entryID
        taskId = letter.taskID
        type = letter.type
        reason = letter.reason
        error = letter.error
        attempts = letter.attempts
        failedAt = letter.failedAt
        worker = letter.worker
        payload = String(validating: letter.payload, as: UTF8.self)
        payloadBase64 = Data(letter.payload).base64EncodedString()
    }
}

struct DeadLetterPage: Codable, Sendable {
    var queue: String
    var total: Int64
    var items: [DeadLetterItem]
    /// Pass as `after` for the next page; nil on the last page.
    var next: String?
}

extension Gateway {
    /// `GET /v1/queues/{queue}/dlq?limit=&after=&type=&reason=`: dead letters oldest first,
    /// `limit` (1–500, default 50) per page, continuing after entry id `after`.
    func listDeadLetters(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .read) { _ throws(GatewayError) in
            let queue = try queueName(request)
            var limit = 50
            if let text = request.query("limit") {
                guard let value = Int(text), (1...500).contains(value) else { throw GatewayError.invalidField("limit", "'limit' must be 1 to 500, got '\(text)'") }
                limit = value
            }
            let after = request.query("after")
            if let after, !Self.isEntryID(after) {
                throw GatewayError.invalidField("after", "'after' must be a dead-letter entry id such as 1764780000000-0, got '\(after)'")
            }
            let filter = DeadLetterFilter(type: request.query("type"), reason: request.query("reason"))
            do throws(QueueError) {
                let keys = try QueueKeys(queue: queue)
                var items: [DeadLetterItem] = []
                var start = after.map { "(" + $0 } ?? "-"
                var next: String?
                scanning: while true {
                    let replies = try await redisPipeline([RedisCommand("XRANGE", keys.deadLetter, start, "+", "COUNT", limit + 1)], key: keys.deadLetter)
                    let letters = (replies[0].array ?? []).compactMap(DeadLetter.init(item:))
                    for letter in letters {
                        if items.count == limit {
                            // Another entry follows the page: the client continues after its last item.
                            next = items.last?.entryId
                            break scanning
                        }
                        start = "(" + letter.entryID
                        if filter.matches(letter) { items.append(DeadLetterItem(letter)) }
                    }
                    if letters.count < limit + 1 { break }
                }
                let total = try await redisPipeline([RedisCommand("XLEN", keys.deadLetter)], key: keys.deadLetter)[0].int ?? 0
                return .json(JSONBody.encode(DeadLetterPage(queue: queue, total: total, items: items, next: next)))
            } catch { throw GatewayError.queue(error) }
        }
    }

    /// `POST /v1/queues/{queue}/dlq/{id}/requeue`: moves one dead letter (entry id or task id)
    /// back to the queue as a fresh task; 404 when there is none.
    func requeue(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .write) { caller throws(GatewayError) in
            let queue = try queueName(request)
            let id = request.parameter("id")
            do throws(QueueError) {
                let dlq = try DeadLetterQueue(redis: redis, queue: queue)
                guard let letter = try await dlq.find(id) else {
                    throw QueueError(code: .invalidArgument, message: "", context: ["notFound": id])
                }
                let moved = try await dlq.requeue([letter.entryID])
                guard moved == 1 else { throw QueueError(code: .invalidArgument, message: "", context: ["notFound": id]) }
                logger.info("Requeued a dead letter", metadata: ["queue": "\(queue)", "entry": "\(letter.entryID)",
                                                                  "task": "\(letter.taskID ?? "-")", "caller": "\(caller.name)"])
                return .json(JSONBody.object(["queue": queue, "entryId": letter.entryID, "taskId": letter.taskID ?? "", "requeued": true]))
            } catch {
                if let missing = error.context["notFound"] { throw GatewayError.notFound("No dead letter with entry or task id '\(missing)' in queue '\(queue)'") }
                throw GatewayError.queue(error)
            }
        }
    }

    func redisPipeline(_ commands: [RedisCommand], key: String) async throws(QueueError) -> [RESPValue] {
        let replies: [RESPValue]
        do { replies = try await redis.pipeline(commands) } catch { throw QueueError(error, key: key) }
        if let message = replies.lazy.compactMap(\.errorMessage).first {
            throw QueueError(RedisError(code: .server, message: message, context: ["command": commands[0].name]), key: key)
        }
        return replies
    }

    static func isEntryID(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
