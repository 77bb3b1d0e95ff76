import BuraqAPI
import BuraqScaling
import BuraqYAML
import Foundation
import Testing

struct CRDTests {
    /// A TaskQueue with every optional field set, status included.
    static func maximal() throws -> TaskQueue {
        var tq = try minimalTaskQueue()
        tq.metadata = ObjectMeta(name: "emails", namespace: "default")
        tq.spec.redis.passwordSecretRef = SecretKeySelector(name: "redis")
        tq.spec.rateLimit = RateLimitSpec(tasksPerSecond: 10)
        tq.spec.priorities = ["high"]
        let rules = ScalingRules(
            stabilizationWindowSeconds: 0, selectPolicy: .max, policies: [.pods(1, perSeconds: 15)], tolerance: 0.1)
        tq.spec.scaling.behavior = ScalingBehavior(scaleUp: rules, scaleDown: rules)
        tq.status = TaskQueueStatus(
            observedGeneration: 1, backlog: 1, lag: 1, pending: 1, scheduled: 1, deadLetters: 1, replicas: 1,
            desiredReplicas: 1, lastScaleTime: "2026-01-01T00:00:00Z",
            conditions: [
                Condition(
                    type: "Ready", status: .true, observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z",
                    reason: "Reconciled", message: "ok")
            ])
        return tq
    }

    @Test func swiftDefaultsEqualCRDDefaults() throws {
        let schema = try RepositoryFiles.schema()
        let minimal = try SchemaPaths.json(try minimalTaskQueue())
        let maximal = try SchemaPaths.json(try Self.maximal())
        let defaults = SchemaPaths.properties(of: schema).filter { $0.schema["default"] != nil }
        #expect(defaults.count >= 20)
        for (path, property) in defaults {
            let expected = try #require(property["default"])
            // Defaults inside optional objects (passwordSecretRef.key) show in the maximal object.
            guard let actual = minimal.node(atPath: path) ?? maximal.node(atPath: path) else {
                Issue.record("\(path): the Swift model has no default")
                continue
            }
            switch expected.content {
            case .scalar(let s): #expect(actual.scalar?.text == s.text, "\(path)")
            case .mapping(let pairs): #expect(pairs.isEmpty && actual.mapping != nil, "\(path)")
            case .sequence(let items): #expect(items.isEmpty && actual.sequence?.isEmpty == true, "\(path)")
            }
        }
        // Every field the minimal manifest leaves out and the model fills in has a CRD default.
        let written = SchemaPaths.paths(of: try YAMLDecoder().documents(from: minimalManifest)[0].root, leavesOnly: true)
        let filled = SchemaPaths.paths(of: minimal, leavesOnly: true).subtracting(written)
            .filter { $0.hasPrefix("spec.") }
        let defaulted = Set(defaults.map(\.path))
        #expect(filled.subtracting(defaulted).isEmpty, "defaulted in Swift only: \(filled.subtracting(defaulted).sorted())")
    }

    @Test func schemaAndModelHaveTheSameFields() throws {
        let schema = try RepositoryFiles.schema()
        let schemaPaths = Set(SchemaPaths.properties(of: schema).map(\.path))
        let modelPaths = SchemaPaths.paths(of: try SchemaPaths.json(try Self.maximal()))
            .filter { !$0.hasPrefix("metadata.") }
        #expect(modelPaths.subtracting(schemaPaths).isEmpty, "missing from the CRD: \(modelPaths.subtracting(schemaPaths).sorted())")
        #expect(schemaPaths.subtracting(modelPaths).isEmpty, "missing from the model: \(schemaPaths.subtracting(modelPaths).sorted())")
    }

    @Test func boundsEqualCRDMinimumAndMaximum() throws {
        let schema = Dictionary(
            SchemaPaths.properties(of: try RepositoryFiles.schema()).map { ($0.path, $0.schema) }, uniquingKeysWith: { a, _ in a })
        typealias B = TaskQueue.Bounds
        let bounds: [(String, Int64, Int64?)] = [
            ("spec.scaling.pollingIntervalSeconds", Int64(B.pollingIntervalSeconds.lowerBound), Int64(B.pollingIntervalSeconds.upperBound)),
            ("spec.scaling.cooldownPeriodSeconds", Int64(B.cooldownPeriodSeconds.lowerBound), Int64(B.cooldownPeriodSeconds.upperBound)),
            ("spec.retry.maxRetries", Int64(B.maxRetries.lowerBound), Int64(B.maxRetries.upperBound)),
            ("spec.retry.maxDeliveries", Int64(B.maxDeliveries.lowerBound), Int64(B.maxDeliveries.upperBound)),
            ("spec.retry.backoff.initialDelayMilliseconds", Int64(B.backoffInitialDelayMilliseconds.lowerBound), Int64(B.backoffInitialDelayMilliseconds.upperBound)),
            ("spec.retry.backoff.maxDelaySeconds", Int64(B.backoffMaxDelaySeconds.lowerBound), Int64(B.backoffMaxDelaySeconds.upperBound)),
            ("spec.retry.backoff.multiplier", Int64(B.backoffMultiplier.lowerBound), Int64(B.backoffMultiplier.upperBound)),
            ("spec.visibilityTimeoutSeconds", Int64(B.visibilityTimeoutSeconds.lowerBound), Int64(B.visibilityTimeoutSeconds.upperBound)),
            ("spec.taskTimeoutSeconds", Int64(B.taskTimeoutSeconds.lowerBound), Int64(B.taskTimeoutSeconds.upperBound)),
            ("spec.deadLetter.maxLength", B.deadLetterMaxLength.lowerBound, B.deadLetterMaxLength.upperBound),
            ("spec.rateLimit.tasksPerSecond", Int64(B.rateLimitTasksPerSecond.lowerBound), Int64(B.rateLimitTasksPerSecond.upperBound)),
            ("spec.rateLimit.burst", Int64(B.rateLimitBurst.lowerBound), Int64(B.rateLimitBurst.upperBound)),
            ("spec.maxInFlight", Int64(B.maxInFlight.lowerBound), Int64(B.maxInFlight.upperBound)),
            ("spec.redis.database", Int64(B.redisDatabase.lowerBound), Int64(B.redisDatabase.upperBound)),
            ("spec.workers.minReplicas", 0, nil),
            ("spec.workers.maxReplicas", 1, nil),
            ("spec.scaling.targetPerReplica", 1, nil),
            ("spec.scaling.activationThreshold", 0, nil),
            ("spec.scaling.behavior.scaleUp.stabilizationWindowSeconds", 0, 3600),
            ("spec.scaling.behavior.scaleDown.policies[].periodSeconds", 1, 1800),
            ("spec.scaling.behavior.scaleDown.policies[].value", 1, nil),
        ]
        for (path, minimum, maximum) in bounds {
            let property = try #require(schema[path], "\(path) is not in the CRD")
            #expect(property["minimum"]?.scalar?.text == "\(minimum)", "\(path) minimum")
            #expect(property["maximum"]?.scalar?.text == maximum.map { "\($0)" }, "\(path) maximum")
        }
        #expect(schema["spec.priorities"]?["maxItems"]?.scalar?.text == "\(B.priorities)")
        #expect(schema["spec.scaling.behavior.scaleUp.policies"]?["maxItems"]?.scalar?.text == "\(B.policies)")
        let metrics = schema["spec.scaling.metric"]?["enum"]?.sequence?.compactMap(\.scalar?.text)
        #expect(metrics == ScalingMetric.allCases.map(\.rawValue))
    }

    @Test func schemaIsStructural() throws {
        let forbidden: Set<String> = [
            "definitions", "dependencies", "deprecated", "discriminator", "id", "patternProperties", "readOnly",
            "writeOnly", "xml", "$ref", "uniqueItems", "additionalProperties",
        ]
        for (path, property) in SchemaPaths.properties(of: try RepositoryFiles.schema()) {
            let keys = Set(property.mapping?.compactMap(\.key.scalar?.text) ?? [])
            #expect(
                keys.contains("type") || property["x-kubernetes-int-or-string"]?.scalar?.text == "true",
                "\(path) has no type")
            #expect(keys.isDisjoint(with: forbidden), "\(path) uses \(keys.intersection(forbidden))")
            for required in property["required"]?.sequence ?? [] {
                let name = required.scalar?.text ?? ""
                #expect(property["properties"]?[name] != nil, "\(path) requires unknown \(name)")
            }
        }
    }

    @Test func namesSubresourcesAndColumns() throws {
        let crd = try YAMLDecoder().documents(from: RepositoryFiles.text("manifests/crd/taskqueues.buraq.dev.yaml"))[0].root
        #expect(crd.node(atPath: "metadata.name")?.scalar?.text == "\(TaskQueue.plural).\(TaskQueue.group)")
        #expect(crd.node(atPath: "spec.group")?.scalar?.text == TaskQueue.group)
        #expect(crd.node(atPath: "spec.names.kind")?.scalar?.text == TaskQueue.kind)
        #expect(crd.node(atPath: "spec.names.shortNames")?.sequence?.map(\.scalar?.text) == ["tq"])
        #expect(crd.node(atPath: "spec.names.categories")?.sequence?.map(\.scalar?.text) == ["buraq"])
        #expect(crd.node(atPath: "spec.versions[0].name")?.scalar?.text == TaskQueue.version)
        #expect(crd.node(atPath: "spec.versions[0].subresources.status")?.mapping?.isEmpty == true)
        let columns = crd.node(atPath: "spec.versions[0].additionalPrinterColumns")?.sequence ?? []
        let shown = columns.filter { $0["priority"] == nil }.compactMap { $0["name"]?.scalar?.text }
        #expect(shown == ["Backlog", "Pending", "Replicas", "Desired", "Ready", "Age"])
        let rules = SchemaPaths.properties(of: try RepositoryFiles.schema()).flatMap { entry in
            (entry.schema["x-kubernetes-validations"]?.sequence ?? []).map { (entry.path, $0["rule"]?.scalar?.text ?? "") }
        }
        #expect(rules.contains { $0 == ("spec.workers", "self.minReplicas <= self.maxReplicas") })
        #expect(rules.contains { $0 == ("spec.queue", "self == oldSelf") })
        #expect(rules.count >= 5)
    }

    @Test(arguments: try RepositoryFiles.examples()) func exampleDecodesAndValidates(_ file: String) throws {
        let documents = try TaskQueueManifest.read(RepositoryFiles.text(file), file: file)
        #expect(documents.contains { $0.isTaskQueue })
        for document in documents {
            #expect(document.problems.isEmpty, "\(document.problems.map(\.description))")
            #expect(document.isTaskQueue == (document.taskQueue != nil))
        }
    }
}
