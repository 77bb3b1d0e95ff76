import BuraqHTTP

/// The first Server-Sent Event of a stream: rate history for the charts, and the latest overview.
struct EventHistory: Encodable, Sendable {
    var points: [String: [RatePoint]]
    var overview: Overview?
}

extension Gateway {
    /// `GET /v1/events`: Server-Sent Events. First `event: history` (rate points of the last
    /// minutes and the latest overview), then `event: overview` after every sample (about once a
    /// second), until the client goes or the gateway shuts down. Browsers pass a token as
    /// `?access_token=` (EventSource cannot set headers).
    func events(_ request: HTTPRequest) async -> HTTPResponse {
        await authorized(request, .read) { _ throws(GatewayError) in
            let sampler = self.sampler
            let updates = sampler.subscribe()
            let headers = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")]
            return .streaming(headers: headers) { writer in
                let first = EventHistory(points: sampler.history(), overview: sampler.latest)
                try await writer.write("retry: 2000\nevent: history\ndata: " + String(decoding: JSONBody.encode(first), as: UTF8.self) + "\n\n")
                for await overview in updates {
                    try await writer.write("event: overview\ndata: " + String(decoding: JSONBody.encode(overview), as: UTF8.self) + "\n\n")
                }
            }
        }
    }
}
