/// A page of a LIST: its items and the list's metadata.
public struct ObjectList: Sendable, Hashable {
    public var items: [JSONValue]
    /// The list's `metadata.resourceVersion`: start a watch from here.
    public var resourceVersion: String
    /// `metadata.continue`: pass to the next LIST to get the next page; `nil` on the last page.
    public var continueToken: String?
    public var remainingItemCount: Int?

    public init(items: [JSONValue], resourceVersion: String, continueToken: String? = nil, remainingItemCount: Int? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    init(json: JSONValue) {
        items = json["items"]?.arrayValue ?? []
        resourceVersion = json[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        let token = json[path: ["metadata", "continue"]]?.stringValue
        continueToken = (token?.isEmpty ?? true) ? nil : token
        remainingItemCount = json[path: ["metadata", "remainingItemCount"]]?.intValue
    }
}
