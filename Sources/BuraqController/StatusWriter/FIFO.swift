/// A first-in first-out queue on an array with a moving head: O(1) amortised at both ends
/// used here (push at the back, pop and push back at the front), compacted as the head moves.
struct FIFO<Element: Sendable>: Sendable {
    private var items: [Element] = []
    private var head = 0

    /// Elements waiting.
    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    /// Adds at the back.
    mutating func append(_ element: Element) {
        items.append(element)
    }

    /// Puts an element back at the front (a failed write retried before the others).
    mutating func prepend(_ element: Element) {
        if head > 0 {
            head -= 1
            items[head] = element
        } else {
            items.insert(element, at: 0)
        }
    }

    /// Takes the front element.
    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: items.count <= 64)
            head = 0
        } else if head > 64, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Empties the queue, returning how many elements it held.
    @discardableResult
    mutating func removeAll() -> Int {
        let dropped = count
        items = []
        head = 0
        return dropped
    }
}
