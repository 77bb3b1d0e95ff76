extension Dictionary {
    /// Gives back storage a burst left behind. A dictionary keeps its capacity after removals:
    /// one that held every TaskQueue at start and holds a few now would keep room for all of
    /// them. When at most an eighth of the capacity is used (and the storage is not small), the
    /// elements move to storage sized for twice their count.
    mutating func shrinkIfSparse() {
        guard capacity > 64, count <= capacity / 8 else { return }
        var smaller = Dictionary(minimumCapacity: count * 2)
        for (key, value) in self { smaller[key] = value }
        self = smaller
    }
}
