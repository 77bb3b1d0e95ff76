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

    @Test func keepsIdentityGenerationAndSpecOnly() throws {
        let whole = try JSONValue(parsing: Self.applied)
        let view = KubernetesTaskQueueSource.cachedView(whole)
        #expect(view.objectValue.map { Set($0.keys) } == ["apiVersion", "kind", "metadata", "spec"])
        #expect(view["metadata"]?.objectValue.map { Set($0.keys) } == ["name", "namespace", "uid", "resourceVersion", "generation"])
        #expect(view["spec"] == whole["spec"])
        let bytes = try view.serialized().count
        #expect(bytes < (try whole.serialized().count) / 2)
    }

    @Test func theControllerReadsTheSameTargetFromTheView() throws {
        let whole = try JSONValue(parsing: Self.applied)
        let fromWhole = QueueTarget.from(try whole.decode(TaskQueue.self), namespace: "shop")
        let fromView = QueueTarget.from(try KubernetesTaskQueueSource.cachedView(whole).decode(TaskQueue.self), namespace: "shop")
        #expect(try fromWhole.get() == fromView.get())
        #expect(try fromView.get().generation == 3)
    }
}
