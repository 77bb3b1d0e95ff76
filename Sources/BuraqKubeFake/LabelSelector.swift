import BuraqKube

/// A parsed label selector (`app=web,tier!=db,env in (a,b),env notin (c),legacy,!beta`)
/// or field selector (`metadata.name=x`).
public struct LabelSelector: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    /// Parses `text`; throws a 400 BadRequest ``KubeAPIError`` naming the bad part.
    public init(_ text: String) throws {
        requirements = []
        for part in Self.splitTopLevel(text) {
            let item = part.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            requirements.append(try Self.requirement(item))
        }
    }

    /// True when every requirement holds for `labels`.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let k, let v): labels[k] == v
            case .notEquals(let k, let v): labels[k] != v
            case .isIn(let k, let values): labels[k].map(values.contains) ?? false
            case .notIn(let k, let values): !(labels[k].map(values.contains) ?? false)
            case .exists(let k): labels[k] != nil
            case .doesNotExist(let k): labels[k] == nil
            }
        }
    }

    private static func requirement(_ item: String) throws -> Requirement {
        if let range = item.range(of: " notin ") ?? item.range(of: " in ") {
            let key = item[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let rest = item[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("("), rest.hasSuffix(")") else { throw bad(item) }
            let values = Set(rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            return item[range].contains("notin") ? .notIn(key, values) : .isIn(key, values)
        }
        for op in ["!=", "==", "="] {
            if let range = item.range(of: op) {
                let key = item[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = item[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { throw bad(item) }
                return op == "!=" ? .notEquals(key, value) : .equals(key, value)
            }
        }
        if item.hasPrefix("!") { return .doesNotExist(String(item.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        return .exists(item)
    }

    private static func bad(_ item: String) -> KubeAPIError {
        KubeAPIError(code: 400, reason: "BadRequest", message: "unable to parse requirement: '\(item)'")
    }

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }
}

import Foundation
