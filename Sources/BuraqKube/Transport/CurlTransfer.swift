import BuraqBase
import CCurl
import Synchronization

/// One request in flight on the ``CurlEngine``: its request, what arrived so far, and who waits.
///
/// Everything but `init` runs on the engine's thread (curl callbacks included), which is why
/// the class can be `@unchecked Sendable`: tasks hand it over once and only the engine touches it.
final class CurlTransfer: @unchecked Sendable {
    enum Waiter {
        case buffered(CheckedContinuation<HTTPResponse, any Error>)
        case streaming(CheckedContinuation<HTTPStreamingResponse, any Error>)
    }

    let request: HTTPRequest
    let url: String
    var waiter: Waiter?
    /// Called when the reader of a streaming body stops reading before the end.
    var onReaderGone: (@Sendable () -> Void)?
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Streaming bodies: bytes handed to the reader and not yet taken, and whether curl is paused.
    /// Shared with the reading task, hence the lock.
    private let flow = Mutex<(pending: Int, paused: Bool)>((0, false))
    /// Above this many unread bytes the transfer pauses (`CURL_WRITEFUNC_PAUSE`) until the reader
    /// has taken half of them.
    let pauseAbove: Int

    private(set) var status = 0
    private(set) var headers: [(String, String)] = []
    private var body: [UInt8] = []
    private var stream: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    private var headDelivered = false

    init(request: HTTPRequest, url: String, pauseAbove: Int = 4 << 20) {
        self.request = request
        self.url = url
        self.pauseAbove = pauseAbove
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// One header line from curl (status lines included; an empty line ends a header block).
    func receiveHeader(_ line: String) {
        let trimmed = line.trimmedWhitespace
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
        } else if trimmed.isEmpty {
            if status >= 200 { deliverHead() }
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmedWhitespace
            headers.append((name, value))
        }
    }

    /// A piece of the body; false when the reader is too far behind and curl must pause
    /// (it delivers the same bytes again after ``CurlEngine/resume(_:)``).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard case .streaming = waiter else {
            body.append(contentsOf: bytes)
            return true
        }
        deliverHead()
        let limit = pauseAbove
        let pause = flow.withLock { flow -> Bool in
            if flow.pending >= limit {
                flow.paused = true
                return true
            }
            flow.pending += bytes.count
            return false
        }
        if pause { return false }
        stream?.yield(Array(bytes))
        return true
    }

    /// The reader took `count` bytes; true when curl was paused and may go on now.
    func consumed(_ count: Int) -> Bool {
        let limit = pauseAbove
        return flow.withLock { flow in
            flow.pending -= count
            guard flow.paused, flow.pending <= limit / 2 else { return false }
            flow.paused = false
            return true
        }
    }

    /// For a streaming request: hands the status, headers and body stream to the waiting task once.
    private func deliverHead() {
        guard !headDelivered, case .streaming(let continuation) = waiter else { return }
        headDelivered = true
        let (bodyStream, bodyContinuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        stream = bodyContinuation
        if let onReaderGone {
            bodyContinuation.onTermination = { reason in
                if case .cancelled = reason { onReaderGone() }
            }
        }
        continuation.resume(returning: HTTPStreamingResponse(status: status, headers: headers, body: bodyStream))
    }

    /// The transfer ended: successfully (`error == nil`) or not.
    func complete(status finalStatus: Int, error: (any Error)?) {
        if finalStatus > 0 { status = finalStatus }
        switch waiter {
        case .buffered(let continuation):
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: HTTPResponse(status: status, headers: headers, body: body))
            }
        case .streaming(let continuation):
            if !headDelivered {
                if let error {
                    headDelivered = true
                    continuation.resume(throwing: error)
                    return
                }
                deliverHead()
            }
            if let error { stream?.finish(throwing: error) } else { stream?.finish() }
        case nil:
            break
        }
        waiter = nil
        stream = nil
    }

    /// The curl error message for a failed transfer.
    var errorText: String {
        let text = String(cString: errorBuffer)
        return text
    }
}

import FoundationEssentials
