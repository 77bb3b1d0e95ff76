import BuraqAPI

extension TaskQueueStatus {
    /// Whether the two differ in something a reader must see at once: generation, replica counts,
    /// scale time, or a condition's type, status or reason. Queue figures and condition messages
    /// change every poll under load; those alone are written at a slower pace.
    func differsStructurally(from other: TaskQueueStatus) -> Bool {
        if observedGeneration != other.observedGeneration || replicas != other.replicas
            || desiredReplicas != other.desiredReplicas || lastScaleTime != other.lastScaleTime
            || (conditions ?? []).count != (other.conditions ?? []).count
        {
            return true
        }
        return zip(conditions ?? [], other.conditions ?? []).contains {
            $0.type != $1.type || $0.status != $1.status || $0.reason != $1.reason
        }
    }
}
