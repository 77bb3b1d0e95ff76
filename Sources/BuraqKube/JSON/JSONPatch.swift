/// One operation of a JSON Patch (RFC 6902), the `application/json-patch+json` patch type.
public struct JSONPatchOperation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case add, remove, replace, move, copy, test
    }

    public var op: Kind
    /// A JSON Pointer (RFC 6901), e.g. `/spec/replicas`.
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: Kind, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    public static func add(_ path: String, _ value: JSONValue) -> Self { Self(op: .add, path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { Self(op: .replace, path: path, value: value) }
    public static func remove(_ path: String) -> Self { Self(op: .remove, path: path) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { Self(op: .test, path: path, value: value) }
    public static func move(from: String, to path: String) -> Self { Self(op: .move, path: path, from: from) }
    public static func copy(from: String, to path: String) -> Self { Self(op: .copy, path: path, from: from) }
}

/// Why a JSON Patch could not be applied.
public struct JSONPatchError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The index of the failing operation.
    public var operationIndex: Int
    public var description: String { "JSON patch operation \(operationIndex): \(message)" }
}

extension JSONValue {
    /// This document with the operations applied in order; all or nothing.
    public func applying(jsonPatch operations: [JSONPatchOperation]) throws(JSONPatchError) -> JSONValue {
        var doc = self
        for (index, operation) in operations.enumerated() {
            do {
                try doc.apply(operation)
            } catch let message {
                throw JSONPatchError(message: message.text, operationIndex: index)
            }
        }
        return doc
    }

    private mutating func apply(_ operation: JSONPatchOperation) throws(PatchFailure) {
        let path = try Self.pointer(operation.path)
        switch operation.op {
        case .add:
            try insert(try required(operation.value, "value"), at: path, replacing: false)
        case .replace:
            _ = try remove(at: path)
            try insert(try required(operation.value, "value"), at: path, replacing: false)
        case .remove:
            _ = try remove(at: path)
        case .test:
            guard value(at: path) == operation.value else {
                throw PatchFailure("test failed: value at '\(operation.path)' differs")
            }
        case .move:
            let from = try Self.pointer(try required(operation.from, "from"))
            let moved = try remove(at: from)
            try insert(moved, at: path, replacing: false)
        case .copy:
            let from = try Self.pointer(try required(operation.from, "from"))
            guard let copied = value(at: from) else { throw PatchFailure("no value at '\(operation.from ?? "")'") }
            try insert(copied, at: path, replacing: false)
        }
    }

    private func required<T>(_ value: T?, _ name: String) throws(PatchFailure) -> T {
        guard let value else { throw PatchFailure("missing '\(name)'") }
        return value
    }

    static func pointer(_ text: String) throws(PatchFailure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw PatchFailure("path '\(text)' must start with '/'") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for token in path {
            switch current {
            case .object(let o)?: current = o[token]
            case .array(let a)?:
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                current = a[i]
            default: return nil
            }
        }
        return current
    }

    private mutating func insert(_ newValue: JSONValue, at path: [String], replacing: Bool) throws(PatchFailure) {
        guard let token = path.first else {
            self = newValue
            return
        }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var o):
            if rest.isEmpty {
                o[token] = newValue
            } else {
                guard var child = o[token] else { throw PatchFailure("no value at '\(token)'") }
                try child.insert(newValue, at: rest, replacing: replacing)
                o[token] = child
            }
            self = .object(o)
        case .array(var a):
            let index: Int
            if token == "-" { index = a.count } else {
                guard let i = Int(token), i >= 0, i <= a.count else { throw PatchFailure("bad array index '\(token)'") }
                index = i
            }
            if rest.isEmpty {
                a.insert(newValue, at: index)
            } else {
                guard a.indices.contains(index) else { throw PatchFailure("bad array index '\(token)'") }
                try a[index].insert(newValue, at: rest, replacing: replacing)
            }
            self = .array(a)
        default:
            throw PatchFailure("cannot add '\(token)' inside a scalar")
        }
    }

    private mutating func remove(at path: [String]) throws(PatchFailure) -> JSONValue {
        guard let token = path.first else { throw PatchFailure("cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var o):
            guard var child = o[token] else { throw PatchFailure("no value at '\(token)'") }
            if rest.isEmpty {
                o[token] = nil
                self = .object(o)
                return child
            }
            let removed = try child.remove(at: rest)
            o[token] = child
            self = .object(o)
            return removed
        case .array(var a):
            guard let i = Int(token), a.indices.contains(i) else { throw PatchFailure("bad array index '\(token)'") }
            if rest.isEmpty {
                let removed = a.remove(at: i)
                self = .array(a)
                return removed
            }
            let removed = try a[i].remove(at: rest)
            self = .array(a)
            return removed
        default:
            throw PatchFailure("no value at '\(token)'")
        }
    }
}

struct PatchFailure: Error {
    var text: String
    init(_ text: String) { self.text = text }
}
