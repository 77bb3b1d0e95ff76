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
        let view = KubernetesTaskQueueSource.cachedView(whole)
        #expect(view.objectValue.map { Set($0.keys) } == ["metadata", "spec"])
        #expect(view["metadata"]?.objectValue.map { Set($0.keys) } == ["name", "namespace", "resourceVersion", "generation"])
        #expect(view["spec"]?.stringValue != nil)
        #expect(try KubernetesTaskQueueSource.expand(view)["spec"] == whole["spec"])
        let bytes = try view.serialized().count
        #expect(bytes < (try whole.serialized().count) / 2)
    }

    @Test func equalSpecsGiveEqualTextWhateverTheKeyOrder() throws {
        let a = try JSONValue(parsing: #"{"metadata": {"name": "q"}, "spec": {"queue": "q", "redis": {"address": "r:1", "db": 2}}}"#)
        let b = try JSONValue(parsing: #"{"spec": {"redis": {"db": 2, "address": "r:1"}, "queue": "q"}, "metadata": {"name": "q"}}"#)
        #expect(KubernetesTaskQueueSource.cachedView(a)["spec"] == KubernetesTaskQueueSource.cachedView(b)["spec"])
        let c = try JSONValue(parsing: #"{"metadata": {"name": "q"}, "spec": {"queue": "q", "redis": {"address": "r:1", "db": 3}}}"#)
        #expect(KubernetesTaskQueueSource.cachedView(a)["spec"] != KubernetesTaskQueueSource.cachedView(c)["spec"])
    }

    @Test func theControllerReadsTheSameTargetFromTheView() throws {
        let whole = try JSONValue(parsing: Self.applied)
        let fromWhole = QueueTarget.from(try whole.decode(TaskQueue.self), namespace: "shop")
        let view = KubernetesTaskQueueSource.cachedView(whole)
        let fromView = QueueTarget.from(try KubernetesTaskQueueSource.expand(view).decode(TaskQueue.self), namespace: "shop")
        #expect(try fromWhole.get() == fromView.get())
        #expect(try fromView.get().generation == 3)
    }
}
