import BuraqAPI
import BuraqQueue
import BuraqScaling
import BuraqYAML
import Foundation
import Testing

let minimalManifest = """
    apiVersion: buraq.dev/v1alpha1
    kind: TaskQueue
    metadata:
      name: emails
    spec:
      redis:
        address: redis:6379
      queue: emails
      workers:
        scaleTargetRef:
          name: email-worker
        maxReplicas: 20
      scaling:
        targetPerReplica: 100
    """

struct ModelTests {
    @Test func minimalManifestTakesEveryDefault() throws {
        let tq = try YAMLDecoder().decode(TaskQueue.self, from: minimalManifest)
        let expected = TaskQueueSpec(
            redis: RedisSpec(address: "redis:6379"), queue: "emails",
            workers: WorkersSpec(scaleTargetRef: ScaleTargetRef(name: "email-worker"), maxReplicas: 20),
            scaling: ScalingSettings(targetPerReplica: 100))
        #expect(tq.spec == expected)
        #expect(tq.metadata.name == "emails")
        #expect(tq.spec.workers.scaleTargetRef.kind == "Deployment")
        #expect(tq.spec.workers.scaleTargetRef.apiVersion == "apps/v1")
        #expect(tq.spec.consumerGroup == "buraq")
        #expect(tq.spec.scaling.pollingIntervalSeconds == 1)
        #expect(tq.status == nil)
    }

    @Test func defaultQueueSettingsMatchTheQueueLibrary() throws {
        let tq = try YAMLDecoder().decode(TaskQueue.self, from: minimalManifest)
        #expect(tq.queueSettings == QueueSettings())
    }

    @Test func scalingSpecCarriesWorkersAndScaling() throws {
        var tq = try YAMLDecoder().decode(TaskQueue.self, from: minimalManifest)
        tq.spec.workers.minReplicas = 2
        tq.spec.scaling.behavior = ScalingBehavior(scaleDown: ScalingRules(stabilizationWindowSeconds: 30))
        let spec = tq.scalingSpec
        #expect(spec.minReplicas == 2)
        #expect(spec.maxReplicas == 20)
        #expect(spec.targetPerReplica == 100)
        #expect(spec.cooldownPeriodSeconds == 60)
        #expect(spec.behavior?.scaleDown?.stabilizationWindowSeconds == 30)
        #expect(spec.validationErrors().isEmpty)
    }

    @Test func fullSpecRoundTripsThroughJSON() throws {
        let text = minimalManifest + """

              priorities: [high, default, low]
              retry:
                maxRetries: 3
                backoff: {initialDelayMilliseconds: 200, maxDelaySeconds: 60, multiplier: 3}
              rateLimit: {tasksPerSecond: 50}
              maxInFlight: 8
              paused: on
            status:
              observedGeneration: 3
              backlog: 12
              replicas: 2
              conditions:
              - type: Ready
                status: "True"
                lastTransitionTime: "2026-01-02T03:04:05Z"
                reason: Reconciled
                message: Queue readable
            """
        var tq = try YAMLDecoder().decode(TaskQueue.self, from: text)
        tq.spec.scaling.behavior = ScalingBehavior(
            scaleUp: ScalingRules(selectPolicy: .min, policies: [.pods(4, perSeconds: 15)], tolerance: 0.05))
        #expect(tq.spec.paused == true)
        #expect(tq.spec.priorities == ["high", "default", "low"])
        #expect(tq.status?.condition("Ready")?.status == .true)
        let json = try JSONEncoder().encode(tq)
        let back = try JSONDecoder().decode(TaskQueue.self, from: json)
        #expect(back == tq)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let spec = try #require(object["spec"] as? [String: Any])
        let scaling = try #require(spec["scaling"] as? [String: Any])
        let behavior = try #require(scaling["behavior"] as? [String: Any])
        let up = try #require(behavior["scaleUp"] as? [String: Any])
        #expect(up["tolerance"] as? String == "0.05")
        #expect(tq.queueSettings.rateLimitPerSecond == 50)
        #expect(tq.queueSettings.priorities == ["high", "default", "low"])
        #expect(tq.queueSettings.backoffMultiplier == 3)
    }

    @Test func toleranceAcceptsQuantities() throws {
        let text = minimalManifest + """

                behavior:
                  scaleDown:
                    tolerance: 50m
            """
        let tq = try YAMLDecoder().decode(TaskQueue.self, from: text)
        #expect(tq.spec.scaling.behavior?.scaleDown?.tolerance == 0.05)
    }
}
