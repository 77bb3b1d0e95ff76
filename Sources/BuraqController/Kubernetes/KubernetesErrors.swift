import BuraqKube

extension ControllerError {
    /// A Kubernetes API failure as a reconcile problem: the reason given (`FailedRescale`, ...),
    /// or `ScaleTargetNotFound` for a 404 on the workload, with the API's code and message.
    static func kubernetes(_ error: any Error, code: Code, action: String) -> ControllerError {
        if let api = error as? KubeAPIError {
            if api.isNotFound && (code == .failedGetScale || code == .failedRescale) {
                return ControllerError(
                    code: .scaleTargetNotFound,
                    message: "\(action): not found (404). Create the Deployment or fix spec.workers.scaleTargetRef.name",
                    context: ["httpCode": "404"])
            }
            var message = "\(action): \(api.code) \(api.reason): \(api.message)"
            if api.isForbidden { message += ". Check the controller's RBAC (ClusterRole buraq-controller)" }
            if api.isConflict { message += ". Someone else changed it; retrying with a fresh read" }
            return ControllerError(code: code, message: message, context: ["httpCode": "\(api.code)", "apiReason": api.reason])
        }
        return ControllerError(code: code, message: "\(action): \(error)")
    }
}
