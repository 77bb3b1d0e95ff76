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

extension TaskQueueStatus {
    /// A hash of what ``differsStructurally(from:)`` compares: two statuses that differ
    /// structurally have different hashes (barring a 64-bit collision). The status writer keeps
    /// this per TaskQueue instead of the whole status it last wrote.
    var structuralHash: Int {
        var hasher = Hasher()
        hasher.combine(observedGeneration)
        hasher.combine(replicas)
        hasher.combine(desiredReplicas)
        hasher.combine(lastScaleTime)
        hasher.combine(conditions?.count ?? 0)
        for condition in conditions ?? [] {
            hasher.combine(condition.type)
            hasher.combine(condition.status.rawValue)
            hasher.combine(condition.reason)
        }
        return hasher.finalize()
    }
}
