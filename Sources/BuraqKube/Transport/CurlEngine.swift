import BuraqBase
import Dispatch
import CCurl
import FoundationEssentials
import Synchronization

/// libcurl's multi interface driven by one dedicated thread.
///
/// Tasks hand requests over through a locked inbox and `curl_multi_wakeup`; the thread adds them
/// to the multi handle, runs `curl_multi_perform`/`curl_multi_poll`, and resumes the waiting task
/// when a transfer ends. Nothing blocking ever runs on Swift's cooperative pool. Connections live
/// in the multi handle's cache, so they are kept alive across requests; easy handles are reset
/// and reused.
final class CurlEngine: @unchecked Sendable {
    struct Settings: Sendable {
        var baseURL: String
        var tls: TLSOptions
        var connectTimeout: Duration
        var requestTimeout: Duration
        var userAgent: String
    }

    private struct Inbox {
        var adds: [CurlTransfer] = []
        var cancels: Set<ObjectIdentifier> = []
        var resumes: [CurlTransfer] = []
        var stopping = false
    }

    private let settings: Settings
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let stopped = DispatchSemaphore(value: 0)
    // Engine thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init(settings: Settings) {
        _ = Self.globalInit
        self.settings = settings
        multi = curl_multi_init()!
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 32)
        OSThread.detach(name: "buraq-kube-curl") { [self] in self.run() }
    }

    /// Queues a transfer; the engine thread starts it.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.adds.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
        } else {
            transfer.complete(status: 0, error: KubeClientError(.closed, "The Kubernetes client was shut down"))
        }
    }

    /// Stops a transfer (its waiter gets `CancellationError`).
    func cancel(_ transfer: CurlTransfer) {
        _ = inbox.withLock { $0.cancels.insert(ObjectIdentifier(transfer)) }
        curl_multi_wakeup(multi)
    }

    /// Un-pauses a streaming transfer whose reader caught up.
    func resume(_ transfer: CurlTransfer) {
        inbox.withLock { $0.resumes.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Fails what is in flight, stops the thread and waits for it.
    func shutdown() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
    }

    private func run() {
        while true {
            let (adds, cancels, resumes, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.adds = []
                    inbox.cancels = []
                    inbox.resumes = []
                }
                return (inbox.adds, inbox.cancels, inbox.resumes, inbox.stopping)
            }
            for transfer in resumes {
                if let handle = transfer.handle, active[handle] === transfer {
                    curl_easy_pause(handle, CURLPAUSE_RECV_CONT | CURLPAUSE_SEND_CONT)
                }
            }
            for transfer in adds {
                if cancels.contains(ObjectIdentifier(transfer)) {
                    transfer.complete(status: 0, error: CancellationError())
                } else {
                    start(transfer)
                }
            }
            for (handle, transfer) in active where cancels.contains(ObjectIdentifier(transfer)) {
                finish(handle, error: CancellationError())
            }
            if stopping {
                for handle in Array(active.keys) {
                    finish(handle, error: KubeClientError(.closed, "The Kubernetes client was shut down"))
                }
                break
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                finish(handle, error: result == CURLE_OK ? nil : error(for: result, handle: handle))
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
        curl_multi_cleanup(multi)
        stopped.signal()
    }

    private func start(_ transfer: CurlTransfer) {
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.complete(status: 0, error: KubeClientError(.transport, "curl_easy_init failed"))
            return
        }
        configure(handle, for: transfer)
        transfer.handle = handle
        active[handle] = transfer
        let code = curl_multi_add_handle(multi, handle)
        if code != CURLM_OK {
            finish(handle, error: KubeClientError(.transport, String(cString: curl_multi_strerror(code))))
        }
    }

    private func finish(_ handle: UnsafeMutableRawPointer, error: (any Error)?) {
        curl_multi_remove_handle(multi, handle)
        guard let transfer = active.removeValue(forKey: handle) else { return }
        var code = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        if let list = transfer.headerList { curl_slist_free_all(list) }
        transfer.headerList = nil
        transfer.handle = nil
        transfer.complete(status: code, error: error)
        curl_easy_reset(handle)
        if idleHandles.count < 16 { idleHandles.append(handle) } else { curl_easy_cleanup(handle) }
    }

    private func configure(_ h: UnsafeMutableRawPointer, for transfer: CurlTransfer) {
        let request = transfer.request
        let opaque = Unmanaged.passUnretained(transfer).toOpaque()
        _ = ccurl_easy_setopt_string(h, CURLOPT_URL, transfer.url)
        // The API server speaks HTTP(S) only; nothing else libcurl links (LDAP, RTMP, SSH…) runs.
        _ = ccurl_easy_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, transfer.errorBuffer)
        _ = ccurl_easy_setopt_pointer(h, CURLOPT_PRIVATE, opaque)
        _ = ccurl_easy_setopt_write_callback(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = ccurl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, opaque)
        _ = ccurl_easy_setopt_header_callback(h, curlWriteHeader)
        _ = ccurl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, opaque)
        _ = ccurl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
        let timeout = request.timeout ?? settings.requestTimeout
        _ = ccurl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
        _ = ccurl_easy_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ccurl_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = ccurl_easy_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "")
        _ = ccurl_easy_setopt_string(h, CURLOPT_USERAGENT, settings.userAgent)
        configureTLS(h)

        switch (request.method, request.body) {
        case ("GET", _):
            _ = ccurl_easy_setopt_long(h, CURLOPT_HTTPGET, 1)
        case (let method, let body):
            let bytes = body ?? []
            if method != "DELETE" || body != nil {
                _ = ccurl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                var copy = bytes.isEmpty ? [0] : bytes
                copy.withUnsafeMutableBytes { buffer in
                    _ = ccurl_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
                }
            }
            if method != "POST" { _ = ccurl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method) }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        list = curl_slist_append(list, "Expect:")
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        transfer.headerList = list
        _ = ccurl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, list)
    }

    private func configureTLS(_ h: UnsafeMutableRawPointer) {
        let tls = settings.tls
        if tls.insecureSkipVerify {
            _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        } else {
            _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
            _ = ccurl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        }
        if let file = tls.caFile { _ = ccurl_easy_setopt_string(h, CURLOPT_CAINFO, file) }
        if let data = tls.caData { Self.setBlob(h, CURLOPT_CAINFO_BLOB, data) }
        if let file = tls.clientCertificateFile { _ = ccurl_easy_setopt_string(h, CURLOPT_SSLCERT, file) }
        if let data = tls.clientCertificateData { Self.setBlob(h, CURLOPT_SSLCERT_BLOB, data) }
        if let file = tls.clientKeyFile { _ = ccurl_easy_setopt_string(h, CURLOPT_SSLKEY, file) }
        if let data = tls.clientKeyData { Self.setBlob(h, CURLOPT_SSLKEY_BLOB, data) }
    }

    private static func setBlob(_ h: UnsafeMutableRawPointer, _ option: CURLoption, _ bytes: [UInt8]) {
        var copy = bytes
        copy.withUnsafeMutableBytes { raw in
            var blob = curl_blob(data: raw.baseAddress, len: raw.count, flags: UInt32(CURL_BLOB_COPY))
            _ = ccurl_easy_setopt_blob(h, option, &blob)
        }
    }

    private func error(for code: CURLcode, handle: UnsafeMutableRawPointer) -> KubeClientError {
        let transfer = active[handle]
        var message = transfer?.errorText ?? ""
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        let context = ["request": transfer?.request.summary ?? "", "curlCode": String(code.rawValue)]
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return KubeClientError(.connectionFailed, message, context: context)
        case CURLE_OPERATION_TIMEDOUT:
            return KubeClientError(.timeout, message, context: context)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return KubeClientError(.tls, message, context: context)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return KubeClientError(.connectionDropped, message, context: context)
        default:
            return KubeClientError(.transport, message, context: context)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                           _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    guard transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count)) else {
        return Int(CURL_WRITEFUNC_PAUSE)
    }
    return size * count
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                             _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    transfer.receiveHeader(String(decoding: bytes, as: UTF8.self))
    return size * count
}
