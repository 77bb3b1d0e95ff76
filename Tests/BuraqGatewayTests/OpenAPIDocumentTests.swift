import BuraqGateway
import BuraqRedis
import BuraqYAML
import Foundation
import Testing

/// docs/openapi.yaml and the gateway's router describe the same routes.
@Suite struct OpenAPIDocumentTests {
    static let documentPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let root = try #require(try YAMLDecoder().documents(from: text, file: Self.documentPath).first?.root)
        #expect(root["openapi"]?.scalar?.text.hasPrefix("3.") == true)
        var documented = Set<String>()
        for pair in root["paths"]?.mapping ?? [] {
            let path = try #require(pair.key.scalar?.text)
            for operation in pair.value.mapping ?? [] {
                let method = try #require(operation.key.scalar?.text).uppercased()
                documented.insert("\(method) \(path)")
                // Every operation states its responses.
                #expect(operation.value["responses"]?.mapping?.isEmpty == false, "\(method) \(path) has no responses")
            }
        }
        let gateway = Gateway(configuration: GatewayConfiguration(), redis: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1)))
        defer { gateway.close() }
        let routed = Set(gateway.router.routeList.map { "\($0.method) \($0.path)" })
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(documented.subtracting(routed).sorted() == [], "documented routes the gateway does not serve")
        #expect(routed.count >= 12)
    }

    @Test func everySchemaReferenceResolves() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let root = try #require(try YAMLDecoder().documents(from: text).first?.root)
        var references: [String] = []
        func walk(_ node: YAMLNode) {
            for pair in node.mapping ?? [] {
                if pair.key.scalar?.text == "$ref", let target = pair.value.scalar?.text { references.append(target) }
                walk(pair.value)
            }
            for item in node.sequence ?? [] { walk(item) }
        }
        walk(root)
        #expect(!references.isEmpty)
        for reference in references {
            let parts = reference.split(separator: "/").dropFirst().map(String.init)  // "#", components, kind, name
            var node: YAMLNode? = root
            for part in parts { node = node?[part] }
            #expect(node != nil, "unresolved \(reference)")
        }
    }
}
