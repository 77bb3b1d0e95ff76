import BuraqRedis

/// One stream entry a worker fetched, already read as a task (or found malformed).
struct FetchedEntry: Sendable {
    /// What the entry holds.
    enum Body: Sendable {
        case task(BuraqTask)
        /// Not a valid task: its raw fields (for the dead-letter entry) and why.
        case malformed(fields: [[UInt8]], error: QueueError)
    }

    var key: EntryKey
    var body: Body
    var reclaimed: Bool
    /// Run alone (no other handler at the same time): the entry was delivered before and never
    /// finished, so it may be what crashed a worker. Isolation keeps a poison pill from taking
    /// innocent neighbours down with it and towards quarantine.
    var isolated = false

    /// An entry from a reply already copied into ``RESPValue``s (claims and recovery: rare paths).
    init(key: EntryKey, fields: [RESPValue], reclaimed: Bool, isolated: Bool = false) {
        self.key = key
        self.reclaimed = reclaimed
        self.isolated = isolated
        do {
            body = .task(try WireFormat.task(fromFields: fields, streamID: key.id))
        } catch {
            body = .malformed(fields: fields.compactMap(\.bytes), error: error)
        }
    }

    /// An entry read straight from its `[id, [field, value, ...]]` reply.
    init(key: EntryKey, fields: RESPReplyView) {
        self.key = key
        self.reclaimed = false
        do {
            body = .task(try WireFormat.task(itemCount: fields.count, item: { fields[$0].bytes }, streamID: key.id))
        } catch {
            body = .malformed(fields: (0..<fields.count).compactMap { i in fields[i].bytes.map { Array($0) } }, error: error)
        }
    }

    /// The entries of an `XREADGROUP`-shaped reply (`[[stream, [[id, fields], ...]], ...]`, also
    /// what the fetch script returns), decoded on the connection's thread without a ``RESPValue`` tree.
    @Sendable
    static func entries(ofReadReply reply: RESPReplyView) -> [FetchedEntry] {
        guard reply.kind == .array else { return [] }
        var out: [FetchedEntry] = []
        for s in 0..<reply.count {
            let pair = reply[s]
            guard pair.kind == .array, pair.count == 2, let stream = pair[0].string else { continue }
            let items = pair[1]
            out.reserveCapacity(out.count + items.count)
            for j in 0..<items.count {
                let item = items[j]
                guard item.kind == .array, item.count == 2, let id = item[0].string else { continue }
                out.append(FetchedEntry(key: EntryKey(stream: stream, id: id), fields: item[1]))
            }
        }
        return out
    }
}
