/// A coding path kept as a linked list: appending a key is one small allocation, and the array
/// `Decoder.codingPath` wants is built only when something asks for it (errors, mostly).
struct CodingPath {
    private final class Link {
        let parent: Link?
        let key: any CodingKey

        init(parent: Link?, key: any CodingKey) {
            self.parent = parent
            self.key = key
        }
    }

    private let last: Link?

    /// The empty path (the document root).
    static var root: CodingPath { CodingPath(last: nil) }

    private init(last: Link?) {
        self.last = last
    }

    /// This path with `key` added.
    func appending(_ key: any CodingKey) -> CodingPath {
        CodingPath(last: Link(parent: last, key: key))
    }

    /// The keys from the root.
    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var link = last
        while let current = link {
            keys.append(current.key)
            link = current.parent
        }
        return keys.reversed()
    }
}
