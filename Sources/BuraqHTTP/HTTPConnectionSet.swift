import NIOCore
import Synchronization

/// The open connections of an ``HTTPServer``, so that shutdown can end them and wait for them.
final class HTTPConnectionSet: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Tracks `channel` until it closes; false once shutting down (the caller closes it).
    func add(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let added = state.withLock { s -> Bool in
            guard !s.shuttingDown else { return false }
            s.channels[id] = channel
            return true
        }
        if added {
            channel.closeFuture.whenComplete { _ in self.remove(id) }
        }
        return added
    }

    private func remove(_ id: ObjectIdentifier) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.channels[id] = nil
            guard s.channels.isEmpty else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Asks every connection to end (see ``HTTPConnectionShutdownEvent``) and closes those still
    /// open after `gracePeriod`. Returns how many were open.
    func shutDown(gracePeriod: TimeAmount) -> Int {
        let open = state.withLock { s -> [any Channel] in
            s.shuttingDown = true
            return Array(s.channels.values)
        }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(HTTPConnectionShutdownEvent())
            channel.eventLoop.scheduleTask(in: gracePeriod) { channel.close(promise: nil) }
        }
        return open.count
    }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.channels.isEmpty { return true }
                s.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
