import BuraqController
import BuraqKube
import Logging
import ServiceLifecycle

/// Logs leadership changes and keeps `buraq_controller_is_leader` current.
struct LeadershipReporter: Service {
    let elector: LeaderElector
    let metrics: ControllerMetrics
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await leading in elector.leadership {
                metrics.setLeader(leading)
                logger.info(leading ? "Became the leader; reconciling" : "Lost leadership; standing by")
            }
        }
    }
}
