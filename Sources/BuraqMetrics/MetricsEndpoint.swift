import BuraqHTTP
import Prometheus

/// Routes for a metrics and health endpoint: `GET /metrics` (Prometheus text format) and
/// `GET /healthz`.
public enum MetricsEndpoint: Sendable {
    /// The content type of the Prometheus text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A router serving `registry` at `/metrics` and `healthy()` at `/healthz` (200 `ok`, or 503).
    public static func router(registry: PrometheusCollectorRegistry,
                              healthy: @escaping @Sendable () -> Bool = { true }) -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/metrics") { _ in
            HTTPResponse(status: 200, headers: [("Content-Type", contentType)], body: registry.emitToBuffer())
        }
        router.get("/healthz") { _ in
            healthy() ? .text("ok\n") : .text("unhealthy\n", status: 503)
        }
        return router
    }
}
