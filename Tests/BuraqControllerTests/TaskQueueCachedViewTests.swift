import BuraqAPI
import BuraqController
import BuraqKube
import Testing

/// The TaskQueue informer caches a reduced object; the controller must read the same target
/// from it as from the whole object.
struct TaskQueueCachedViewTests {
    static let applied = """
        {"apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue",
         "metadata": {"name": "emails", "namespace": "shop", "uid": "u-1", "resourceVersion": "42", "generation": 3,
                      "creationTimestamp": "2026-12-03T10:00:00Z", "labels": {"team": "mail"},
                      "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\\"a whole copy\\": true}"},
                      "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
         "spec": {"redis": {"address": "redis.shop:6379"}, "queue": "emails",
                  "scaling": {"targetPerReplica": 50},
                  "workers": {"scaleTargetRef": {"name": "emails-worker"}, "maxReplicas": 8}},
         "status": {"observedGeneration": 3, "backlog": 120, "replicas": 2,
                    "conditions": [{"type": "Ready", "status": "True", "reason": "Reconciled", "message": "ok",
                                    "lastTransitionTime": "2026-12-03T10:00:01Z"}]}}
        """

    @Test func keepsIdentityGenerationAndTheSpecAsTextOnly() throws {
        let whole = try JSONValue(parsing: Self.applied)
        let view = KubernetesTaskQueueSource.View(informing: whole)
        #expect(view.objectKey == "shop/emails")
        #expect(view.resourceVersion == "42")
        #expect(view.generation == 3)
        #expect(view.deletionTimestamp == nil)
        let expanded = try KubernetesTaskQueueSource.expand(view)
        #expect(expanded["spec"] == whole["spec"])
        #expect(expanded["metadata"] == ["name": "emails", "namespace": "shop", "resourceVersion": "42", "generation": 3])
        #expect(expanded["apiVersion"] == whole["apiVersion"] && expanded["kind"] == whole["kind"])
        #expect(expanded["status"] == nil)
        #expect((view.spec?.utf8.count ?? 0) < (try whole.serialized().count) / 2)
    }

    @Test func keepsADeletionTimestampAndDefaultsAMissingGeneration() throws {
        let deleting = try JSONValue(parsing: #"{"metadata": {"name": "q", "namespace": "a", "deletionTimestamp": "2026-12-04T10:00:00Z"}}"#)
        let view = KubernetesTaskQueueSource.View(informing: deleting)
        #expect(view.deletionTimestamp == "2026-12-04T10:00:00Z")
        #expect(view.generation == 1)
        #expect(view.spec == nil)
        #expect(try KubernetesTaskQueueSource.expand(view)[path: ["metadata", "deletionTimestamp"]] == "2026-12-04T10:00:00Z")
    }

    @Test func equalSpecsGiveEqualTextWhateverTheKeyOrder() throws {
        let a = try JSONValue(parsing: #"{"metadata": {"name": "q"}, "spec": {"queue": "q", "redis": {"address": "r:1", "db": 2}}}"#)
        let b = try JSONValue(parsing: #"{"spec": {"redis": {"db": 2, "address": "r:1"}, "queue": "q"}, "metadata": {"name": "q"}}"#)
        #expect(KubernetesTaskQueueSource.View(informing: a) == KubernetesTaskQueueSource.View(informing: b))
        let c = try JSONValue(parsing: #"{"metadata": {"name": "q"}, "spec": {"queue": "q", "redis": {"address": "r:1", "db": 3}}}"#)
        #expect(KubernetesTaskQueueSource.View(informing: a).spec != KubernetesTaskQueueSource.View(informing: c).spec)
    }

    @Test func theControllerReadsTheSameTargetFromTheView() throws {
        let whole = try JSONValue(parsing: Self.applied)
        let fromWhole = QueueTarget.from(try whole.decode(TaskQueue.self), namespace: "shop")
        let view = KubernetesTaskQueueSource.View(informing: whole)
        let fromView = QueueTarget.from(try KubernetesTaskQueueSource.expand(view).decode(TaskQueue.self), namespace: "shop")
        #expect(try fromWhole.get() == fromView.get())
        #expect(try fromView.get().generation == 3)
    }
}
