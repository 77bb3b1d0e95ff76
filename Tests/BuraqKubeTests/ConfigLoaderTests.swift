import BuraqKube
import BuraqKubeFake
import BuraqYAML
import Foundation
import Testing

@Suite("Kubeconfig and in-cluster configuration")
struct ConfigLoaderTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "buraq-kubeconfig-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = directory + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func loader(_ environment: [String: String] = [:], serviceAccount: String? = nil) -> ConfigLoader {
        ConfigLoader(serviceAccountDirectory: serviceAccount ?? directory + "/no-sa", environment: environment)
    }

    static let base64CA = Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).base64EncodedString()

    @Test func inlineDataAndToken() throws {
        let path = write("config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: dev
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: \(Self.base64CA)
            users:
            - name: alice
              user:
                token: abc123
            contexts:
            - name: dev
              context: {cluster: dev, user: alice, namespace: queues}
            """)
        let config = try loader().load(kubeconfig: path)
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.tls.caData == Array(Data(base64Encoded: Self.base64CA)!))
        #expect(config.credentials == .token("abc123"))
        #expect(config.namespace == "queues")
        #expect(!config.tls.insecureSkipVerify)
    }

    @Test func filesRelativeToTheKubeconfigAndClientCertificates() throws {
        write("ca.crt", "CA")
        write("client.crt", "CERT")
        write("client.key", "KEY")
        write("token", "from-file\n")
        let path = write("config", """
            current-context: prod
            clusters:
            - name: prod
              cluster: {server: "https://k8s.example:443", certificate-authority: ca.crt, insecure-skip-tls-verify: no}
            users:
            - name: admin
              user: {client-certificate: client.crt, client-key: client.key, tokenFile: token}
            contexts:
            - name: prod
              context: {cluster: prod, user: admin}
            """)
        let config = try loader().load(kubeconfig: path)
        #expect(config.tls.caFile == directory + "/ca.crt")
        #expect(config.tls.clientCertificateFile == directory + "/client.crt")
        #expect(config.tls.clientKeyFile == directory + "/client.key")
        #expect(config.credentials == .tokenFile(directory + "/token"))
        #expect(config.namespace == "default")
    }

    @Test func insecureSkipVerifyIsHonouredAndContextOverride() throws {
        let path = write("config", """
            current-context: a
            clusters:
            - {name: a, cluster: {server: "https://a:1"}}
            - {name: b, cluster: {server: "https://b:2", insecure-skip-tls-verify: true}}
            contexts:
            - {name: a, context: {cluster: a}}
            - {name: b, context: {cluster: b}}
            """)
        #expect(try loader().load(kubeconfig: path).server == "https://a:1")
        let b = try loader().load(kubeconfig: path, context: "b")
        #expect(b.server == "https://b:2")
        #expect(b.tls.insecureSkipVerify)
        #expect(b.credentials == .none)
    }

    @Test func kubeconfigListMergesFirstWins() throws {
        let one = write("one", """
            current-context: shared
            clusters: [{name: shared, cluster: {server: "https://first:1"}}]
            contexts: [{name: shared, context: {cluster: shared, user: u}}]
            """)
        let two = write("two", """
            current-context: other
            clusters: [{name: shared, cluster: {server: "https://second:2"}}]
            users: [{name: u, user: {token: t2}}]
            """)
        let config = try loader(["KUBECONFIG": "\(one):\(directory)/missing:\(two)"]).load()
        #expect(config.server == "https://first:1")
        #expect(config.credentials == .token("t2"))
    }

    @Test func precedenceFlagThenEnvironmentThenInClusterThenHome() throws {
        let flag = write("flag", "current-context: c\nclusters: [{name: c, cluster: {server: 'https://flag:1'}}]\ncontexts: [{name: c, context: {cluster: c}}]\n")
        let env = write("env", "current-context: c\nclusters: [{name: c, cluster: {server: 'https://env:1'}}]\ncontexts: [{name: c, context: {cluster: c}}]\n")
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.kube", withIntermediateDirectories: true)
        try "current-context: c\nclusters: [{name: c, cluster: {server: 'https://home:1'}}]\ncontexts: [{name: c, context: {cluster: c}}]\n"
            .write(toFile: home + "/.kube/config", atomically: true, encoding: .utf8)
        let sa = directory + "/sa"
        try FileManager.default.createDirectory(atPath: sa, withIntermediateDirectories: true)
        try "sa-token".write(toFile: sa + "/token", atomically: true, encoding: .utf8)
        try "CA".write(toFile: sa + "/ca.crt", atomically: true, encoding: .utf8)
        try "buraq-system\n".write(toFile: sa + "/namespace", atomically: true, encoding: .utf8)
        let all = ["KUBECONFIG": env, "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": home]
        #expect(try loader(all, serviceAccount: sa).load(kubeconfig: flag).server == "https://flag:1")
        #expect(try loader(all, serviceAccount: sa).load().server == "https://env:1")
        var noEnv = all
        noEnv["KUBECONFIG"] = nil
        let inCluster = try loader(noEnv, serviceAccount: sa).load()
        #expect(inCluster.server == "https://10.96.0.1:443")
        #expect(inCluster.tls.caFile == sa + "/ca.crt")
        #expect(inCluster.credentials == .tokenFile(sa + "/token", refresh: .seconds(60)))
        #expect(inCluster.namespace == "buraq-system")
        #expect(inCluster.source == "in-cluster")
        let ipv6 = try loader(["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccount: sa).inCluster()
        #expect(ipv6.server == "https://[fd00::1]:443")
        #expect(try loader(["HOME": home]).load().server == "https://home:1")
        #expect(throws: KubeConfigError.self) { try loader(["HOME": directory + "/nowhere"]).load() }
    }

    @Test func badFilesNameFileAndField() throws {
        func message(_ text: String, context: String? = nil) -> String {
            let path = write("bad", text)
            do {
                _ = try loader().load(kubeconfig: path, context: context)
                return "loaded"
            } catch {
                return "\(error)".replacingOccurrences(of: directory + "/", with: "")
            }
        }
        #expect(message("clusters: [") .hasPrefix("bad:"))
        #expect(message("clusters: {name: x}").hasPrefix("bad:1:"))
        #expect(message("clusters: []\ncontexts: []\n") == "bad: current-context: no current context is set (and none was given)")
        #expect(message("current-context: x\ncontexts: []\n") == "bad: current-context: context 'x' is not defined in contexts")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n")
            == "bad: contexts[x].context.cluster: cluster 'c' is not defined in clusters")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n")
            == "bad: clusters[c].cluster.server: is required")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', certificate-authority-data: '%%%'}}]\n")
            == "bad: clusters[c].cluster.certificate-authority-data: is not valid base64")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', certificate-authority: nope.crt}}]\n")
            == "bad: clusters[c].cluster.certificate-authority: file 'nope.crt' does not exist or is not readable".replacingOccurrences(of: "'nope.crt'", with: "'\(directory)/nope.crt'").replacingOccurrences(of: directory + "/", with: ""))
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {exec: {command: aws}}}]\n")
            == "bad: users[u].user.exec: credential plugins are not supported; use a token, tokenFile or client certificate")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {client-certificate-data: QUJD}}]\n")
            == "bad: users[u].user.client-key: a client certificate needs its key and the key its certificate")
        #expect(message("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: maybe}}]\n")
            == "bad:3:79: clusters[0].cluster.insecure-skip-tls-verify: expected a boolean (true or false), got 'maybe'")
    }

    @Test func kubeconfigWithTokenTalksToTheFakeServer() async throws {
        let server = try await FakeAPIServer.start(configuration: FakeAPIServer.Configuration(token: "s3cret"))
        let path = write("fake", FakeKubeconfig.text(server: server.url, token: "s3cret", namespace: "team"))
        let configuration = try loader().load(kubeconfig: path)
        #expect(configuration.namespace == "team")
        let client = KubeClient(configuration: configuration)
        _ = try await client.create(.deployments, namespace: configuration.namespace, object: deployment("web"))
        #expect(try await client.list(.deployments, namespace: "team").items.count == 1)
        client.shutdown()
        await server.shutdown()
    }

    @Test func tokenFileIsReReadAfterUnauthorized() async throws {
        let server = try await FakeAPIServer.start(configuration: FakeAPIServer.Configuration(token: "new"))
        let tokenPath = write("rotating-token", "old")
        let client = KubeClient(configuration: ClientConfiguration(
            server: server.url, credentials: .tokenFile(tokenPath, refresh: .seconds(3600)),
            retry: RetryPolicy(initialBackoff: .milliseconds(1))))
        await #expect(throws: KubeAPIError.self) { try await client.list(.deployments, namespace: "default") }
        write("rotating-token", "new")
        // The 401 dropped the cached token: the next request reads the file again.
        _ = try await client.list(.deployments, namespace: "default")
        client.shutdown()
        await server.shutdown()
    }
}
