/// What an informer keeps of each object it lists and watches.
///
/// ``JSONValue`` keeps the whole object (or whatever the informer's transform left of it). A
/// controller that reads a few fields caches its own small struct instead: a `JSONValue` tree
/// costs a dictionary per nested object, several hundred bytes each, where a struct of the same
/// fields takes tens of bytes.
public protocol InformerObject: Sendable, Equatable {
    /// The cached form of an object as the API server sent it (in a LIST or a watch event).
    init(informing object: JSONValue)
    /// `namespace/name`, or `name` for a cluster-scoped object: the cache key.
    var objectKey: String { get }
    /// `metadata.resourceVersion`.
    var resourceVersion: String? { get }
}

extension JSONValue: InformerObject {
    /// The object itself.
    public init(informing object: JSONValue) {
        self = object
    }
}
