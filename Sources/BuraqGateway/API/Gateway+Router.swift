import BuraqHTTP
import BuraqMetrics

extension Gateway {
    /// Every route of the gateway (docs/openapi.yaml describes each; a test checks both agree).
    public var router: HTTPRouter {
        var router = HTTPRouter()
        router.add("POST", "/v1/queues/{queue}/tasks", direct: measured("/v1/queues/{queue}/tasks") { self.enqueue($0, batch: false, respond: $1) })
        router.add("POST", "/v1/queues/{queue}/tasks:batch", direct: measured("/v1/queues/{queue}/tasks:batch") { self.enqueue($0, batch: true, respond: $1) })
        router.get("/v1/queues", measured("/v1/queues") { await self.listQueues($0) })
        router.get("/v1/queues/{queue}", measured("/v1/queues/{queue}") { await self.showQueue($0) })
        router.get("/v1/queues/{queue}/dlq", measured("/v1/queues/{queue}/dlq") { await self.listDeadLetters($0) })
        router.post("/v1/queues/{queue}/dlq/{id}/requeue", measured("/v1/queues/{queue}/dlq/{id}/requeue") { await self.requeue($0) })
        router.get("/v1/workers", measured("/v1/workers") { await self.listWorkers($0) })
        router.get("/v1/events") { await self.events($0) }
        router.get("/metrics") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", MetricsEndpoint.contentType)], body: self.metrics.registry.emitToBuffer())
        }
        router.get("/healthz") { _ in await self.health() }
        router.get("/openapi.yaml") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/yaml; charset=utf-8")], body: PackageResources.openapi_yaml)
        }
        router.get("/") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")],
                         body: PackageResources.dashboard_html)
        }
        return router
    }
}
