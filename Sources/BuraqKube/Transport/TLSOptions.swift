/// How the transport authenticates the server and itself.
public struct TLSOptions: Sendable, Hashable {
    /// PEM bundle of trusted CAs, from a file or inline; the system store when both are nil.
    public var caFile: String?
    public var caData: [UInt8]?
    /// Client certificate and key (PEM), from files or inline.
    public var clientCertificateFile: String?
    public var clientCertificateData: [UInt8]?
    public var clientKeyFile: String?
    public var clientKeyData: [UInt8]?
    /// Turns certificate verification off. Never in production; the loader logs a warning.
    public var insecureSkipVerify: Bool

    public init(caFile: String? = nil, caData: [UInt8]? = nil, clientCertificateFile: String? = nil,
                clientCertificateData: [UInt8]? = nil, clientKeyFile: String? = nil, clientKeyData: [UInt8]? = nil,
                insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.caData = caData
        self.clientCertificateFile = clientCertificateFile
        self.clientCertificateData = clientCertificateData
        self.clientKeyFile = clientKeyFile
        self.clientKeyData = clientKeyData
        self.insecureSkipVerify = insecureSkipVerify
    }
}
