/// The checks the TaskQueue CRD schema and the autoscaling/v2 API make, so a spec built in code
/// (or read from a file in local mode) is held to the same rules as one the API server admitted.
extension ScalingSpec {
    /// Every problem with this spec; empty when it is valid.
    public func validationErrors() -> [ScalingSpecError] {
        var errors: [ScalingSpecError] = []
        func check(_ ok: Bool, _ field: String, _ message: String, _ code: ScalingSpecError.Code = .outOfRange) {
            if !ok { errors.append(ScalingSpecError(code: code, field: field, message: message)) }
        }
        check(targetPerReplica >= 1, "targetPerReplica", "must be at least 1, got \(targetPerReplica)")
        check(activationThreshold >= 0, "activationThreshold", "must be 0 or more, got \(activationThreshold)")
        check(minReplicas >= 0, "minReplicas", "must be 0 or more, got \(minReplicas)")
        check(maxReplicas >= 1, "maxReplicas", "must be at least 1, got \(maxReplicas)")
        check(
            minReplicas <= maxReplicas, "minReplicas",
            "must be less than or equal to `maxReplicas` (\(maxReplicas)), got \(minReplicas)", .inconsistent)
        check(cooldownPeriodSeconds >= 0, "cooldownPeriodSeconds", "must be 0 or more, got \(cooldownPeriodSeconds)")
        if let behavior {
            if let rules = behavior.scaleUp { errors += rules.validationErrors(at: "behavior.scaleUp") }
            if let rules = behavior.scaleDown { errors += rules.validationErrors(at: "behavior.scaleDown") }
        }
        return errors
    }

    /// Throws the first problem with this spec.
    public func validate() throws(ScalingSpecError) {
        if let first = validationErrors().first { throw first }
    }
}

extension ScalingRules {
    /// The autoscaling/v2 API's checks on one direction's rules.
    func validationErrors(at path: String) -> [ScalingSpecError] {
        var errors: [ScalingSpecError] = []
        if let window = stabilizationWindowSeconds, !(0...3600).contains(window) {
            errors.append(
                ScalingSpecError(
                    code: .outOfRange, field: "\(path).stabilizationWindowSeconds",
                    message: "must be between 0 and 3600, got \(window)"))
        }
        if let tolerance, !(tolerance >= 0) {
            errors.append(
                ScalingSpecError(
                    code: .outOfRange, field: "\(path).tolerance",
                    message: "must be 0 or more, got \(DecimalText.format(tolerance, places: 6))"))
        }
        guard let policies else { return errors }
        if policies.isEmpty {
            errors.append(
                ScalingSpecError(code: .empty, field: "\(path).policies", message: "must specify at least one policy"))
        }
        for (index, policy) in policies.enumerated() {
            if policy.value <= 0 {
                errors.append(
                    ScalingSpecError(
                        code: .outOfRange, field: "\(path).policies[\(index)].value",
                        message: "must be greater than 0, got \(policy.value)"))
            }
            if !(1...1800).contains(policy.periodSeconds) {
                errors.append(
                    ScalingSpecError(
                        code: .outOfRange, field: "\(path).policies[\(index)].periodSeconds",
                        message: "must be between 1 and 1800, got \(policy.periodSeconds)"))
            }
        }
        return errors
    }
}
