import BuraqKube
import Synchronization

/// What the fake server does to a request instead of (or before) answering it.
public enum Fault: Sendable, Hashable {
    /// Answer with this status (a `metav1.Status` body), and `Retry-After` when given.
    case status(Int, retryAfterSeconds: Int? = nil)
    /// Wait, then answer normally.
    case delay(Duration)
    /// Close the connection without an answer.
    case dropConnection
}

/// Fault injection: "the next N requests (matching a method and path prefix) fail like this".
public final class FaultInjector: Sendable {
    struct Rule: Sendable {
        var fault: Fault
        var remaining: Int
        var method: String?
        var pathPrefix: String?
    }

    private let rules = Mutex<[Rule]>([])

    public init() {}

    /// The next `count` requests matching `method` (any if nil) and `pathPrefix` (any if nil) get `fault`.
    public func inject(_ fault: Fault, count: Int = 1, method: String? = nil, pathPrefix: String? = nil) {
        rules.withLock { $0.append(Rule(fault: fault, remaining: count, method: method, pathPrefix: pathPrefix)) }
    }

    /// Removes every pending fault.
    public func clear() {
        rules.withLock { $0 = [] }
    }

    /// Takes the fault for this request, if one applies.
    public func take(method: String, path: String) -> Fault? {
        rules.withLock { rules in
            guard let index = rules.firstIndex(where: { rule in
                rule.remaining > 0 && (rule.method.map { $0 == method } ?? true)
                    && (rule.pathPrefix.map { path.hasPrefix($0) } ?? true)
            }) else { return nil }
            rules[index].remaining -= 1
            let fault = rules[index].fault
            if rules[index].remaining == 0 { rules.remove(at: index) }
            return fault
        }
    }
}
