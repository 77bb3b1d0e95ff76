/// JSON Merge Patch (RFC 7386), the `application/merge-patch+json` patch type.
extension JSONValue {
    /// This document with `patch` merged in: objects merge key by key, `null` removes a key,
    /// anything else (arrays included) replaces.
    public func merging(patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = (result[key] ?? .null).merging(patch: value)
            }
        }
        return .object(result)
    }

    /// The merge patch that turns `original` into `self` (fields removed become `null`).
    public func mergePatch(from original: JSONValue) -> JSONValue {
        guard case .object(let new) = self, case .object(let old) = original else { return self }
        var patch: [String: JSONValue] = [:]
        for (key, value) in new where old[key] != value {
            patch[key] = old[key].map { value.mergePatch(from: $0) } ?? value
        }
        for key in old.keys where new[key] == nil { patch[key] = .null }
        return .object(patch)
    }
}
