import ArgumentParser
import BuraqKube
import BuraqKubeFake
import Foundation

/// Runs the fake Kubernetes API server on its own, for local experiments with `kubectl` or the controller.
@main
struct FakeAPIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buraq-fake-apiserver",
        abstract: "A fake Kubernetes API server (HTTP, in memory) for local experiments.",
        discussion: """
            Fault injection over HTTP: POST /fake/faults {"count":2,"status":503}, {"delayMilliseconds":500}, \
            {"drop":true}, optionally with "method" and "pathPrefix"; POST /fake/compact (old resourceVersions \
            expire); POST /fake/drop-watches. GET /fake/requests: requests answered so far by verb and resource \
            ({"total":N,"requests":{"get deployments/scale":n,...}}).
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port = 0
    @Option(help: "Require this bearer token.") var token: String?
    @Option(help: "Seconds between watch bookmarks.") var bookmarkInterval = 1.0
    @Option(help: "Write a kubeconfig pointing at this server to this path.") var writeKubeconfig: String?
    @Option(help: "JSON files (a CRD, or a List of objects) to load at start.") var preload: [String] = []
    @Flag(help: "Deployments' status follows their spec at once, as if the deployment controller ran.")
    var simulateDeployments = false

    func run() async throws {
        let store = FakeAPIStore(simulatesDeployments: simulateDeployments)
        for file in preload { try load(file, into: store) }
        let server = try await FakeAPIServer.start(configuration: .init(
            host: host, port: port, token: token, bookmarkInterval: .milliseconds(Int(bookmarkInterval * 1000))), store: store)
        if let path = writeKubeconfig {
            try FakeKubeconfig.text(server: server.url, token: token).write(toFile: path, atomically: true, encoding: .utf8)
        }
        print("Listening on \(server.url)")
        fflush(nil)
        await server.run()
    }

    private func load(_ file: String, into store: FakeAPIStore) throws {
        let value = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        for object in value["items"]?.arrayValue ?? [value] { try store.load(object) }
    }
}
