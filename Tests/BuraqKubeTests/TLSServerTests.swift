import BuraqKube
import BuraqTestSupport
import Foundation
import Testing

private let opensslPath: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// TLS against `openssl s_server` (the fake API server speaks plain HTTP): a private CA, a server
/// certificate for 127.0.0.1, and a required client certificate. `s_server -www` answers with an
/// HTML page, so a request that got through TLS fails later, at JSON decoding.
@Suite("TLS against openssl s_server", .enabled(if: opensslPath != nil, "openssl is not installed (skipped)"))
struct TLSServerTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "buraq-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func openssl(_ arguments: [String]) async throws {
        let child = try ChildProcess(executable: opensslPath!, arguments: arguments, outputPath: directory + "/openssl.log")
        let code = try await child.wait(timeout: .seconds(60))
        guard code == 0 else { throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed: \(child.output)") }
    }

    private func makeCertificates() async throws {
        let d = directory
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: d + "/san.ext", atomically: true, encoding: .utf8)
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out", d + "/ca.crt",
                           "-days", "1", "-subj", "/CN=buraq-test-ca"])
        for (name, ext) in [("server", ["-extfile", d + "/san.ext"]), ("client", [])] {
            try await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/\(name).key", "-out", "\(d)/\(name).csr",
                               "-subj", "/CN=\(name == "server" ? "127.0.0.1" : "buraq")"])
            try await openssl(["x509", "-req", "-in", "\(d)/\(name).csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                               "-CAcreateserial", "-out", "\(d)/\(name).crt", "-days", "1"] + ext)
        }
        try await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/other.key", "-out", d + "/other-ca.crt",
                           "-days", "1", "-subj", "/CN=other-ca"])
    }

    private func startServer() async throws -> (ChildProcess, Int) {
        for _ in 0..<5 {
            let port = Int.random(in: 20000..<60000)
            let server = try ChildProcess(executable: opensslPath!, arguments: [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", directory + "/server.crt", "-key", directory + "/server.key",
                "-CAfile", directory + "/ca.crt", "-Verify", "1", "-www", "-quiet",
            ], outputPath: directory + "/s_server.log")
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, !server.hasExited {
                if (try? LoopbackHTTPClient(port: port)) != nil { return (server, port) }
                try await Task.sleep(for: .milliseconds(50))
            }
            server.kill9()
        }
        throw TestSupportError("openssl s_server did not start")
    }

    private func outcome(_ url: String, _ tls: TLSOptions) async -> String {
        let client = KubeClient(configuration: ClientConfiguration(server: url, tls: tls, retry: .never))
        defer { client.shutdown() }
        do {
            _ = try await client.list(.configMaps, namespace: "default")
            return "ok"
        } catch let error as KubeClientError {
            return error.code.description
        } catch {
            return "\(error)"
        }
    }

    @Test func verifiesTheServerAndPresentsAClientCertificate() async throws {
        try await makeCertificates()
        let (server, port) = try await startServer()
        defer {
            server.kill9()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let url = "https://127.0.0.1:\(port)"
        let d = directory
        let caData = Array(try Data(contentsOf: URL(fileURLWithPath: d + "/ca.crt")))
        let certData = Array(try Data(contentsOf: URL(fileURLWithPath: d + "/client.crt")))
        let keyData = Array(try Data(contentsOf: URL(fileURLWithPath: d + "/client.key")))

        // Through TLS with the client certificate: the HTML answer fails only as JSON.
        #expect(await outcome(url, TLSOptions(caFile: d + "/ca.crt", clientCertificateFile: d + "/client.crt",
                                              clientKeyFile: d + "/client.key")) == "decoding")
        #expect(await outcome(url, TLSOptions(caData: caData, clientCertificateData: certData, clientKeyData: keyData)) == "decoding")
        // A server certificate from an unknown CA is refused, unless verification is off.
        #expect(await outcome(url, TLSOptions(caFile: d + "/other-ca.crt", clientCertificateFile: d + "/client.crt",
                                              clientKeyFile: d + "/client.key")) == "tls")
        #expect(await outcome(url, TLSOptions(clientCertificateData: certData, clientKeyData: keyData)) == "tls")
        #expect(await outcome(url, TLSOptions(clientCertificateData: certData, clientKeyData: keyData, insecureSkipVerify: true))
            == "decoding")
        // The server requires a client certificate.
        #expect(await outcome(url, TLSOptions(caData: caData)) != "decoding")
    }
}
