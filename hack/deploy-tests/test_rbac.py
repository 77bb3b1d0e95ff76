"""RBAC: the controller's rules cover exactly the API calls it makes.

The end-to-end test runs buraq-controller against the fake API server through a recording proxy,
drives one TaskQueue up from zero and back down, stops the controller, and then checks every
recorded request against the ClusterRole/Role bindings of manifests/ (as the RBAC authorizer
would) and every granted verb against the requests (nothing granted that was not used)."""
import glob
import os

import pytest

from conftest import MANIFESTS, NAMESPACE, load_all
from rbac import Attributes, allows, attributes, authorize, grants


def rbac_objects():
    return [o for p in sorted(glob.glob(os.path.join(MANIFESTS, "*.yaml"))) for o in load_all(p)
            if o["kind"] in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")]


def controller_grants():
    return grants(rbac_objects(), NAMESPACE, "buraq-controller")


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/apis/buraq.dev/v1alpha1/taskqueues?limit=500&resourceVersion=0",
     Attributes("list", "buraq.dev", "taskqueues", "", "")),
    ("GET", "/apis/buraq.dev/v1alpha1/taskqueues?watch=true&resourceVersion=7&allowWatchBookmarks=true",
     Attributes("watch", "buraq.dev", "taskqueues", "", "")),
    ("PUT", "/apis/buraq.dev/v1alpha1/namespaces/demo/taskqueues/emails/status",
     Attributes("update", "buraq.dev", "taskqueues/status", "demo", "emails")),
    ("PATCH", "/apis/apps/v1/namespaces/demo/deployments/w/scale", Attributes("patch", "apps", "deployments/scale", "demo", "w")),
    ("GET", "/api/v1/namespaces/demo/pods?labelSelector=app%3Dw", Attributes("list", "", "pods", "demo", "")),
    ("POST", "/api/v1/namespaces/demo/events", Attributes("create", "", "events", "demo", "")),
    ("GET", "/apis/coordination.k8s.io/v1/namespaces/buraq-system/leases/buraq-controller",
     Attributes("get", "coordination.k8s.io", "leases", "buraq-system", "buraq-controller")),
    ("DELETE", "/api/v1/namespaces/demo/pods", Attributes("deletecollection", "", "pods", "demo", "")),
    ("GET", "/api/v1/namespaces/demo", Attributes("get", "", "namespaces", "", "demo")),
    ("GET", "/apis", None),
    ("GET", "/api/v1", None),
    ("GET", "/version", None),
])
def test_request_attributes(method, path, expected):
    assert attributes(method, path) == expected


def test_the_controller_may_do_its_job():
    granted = controller_grants()
    for method, path in [
        ("GET", "/apis/buraq.dev/v1alpha1/taskqueues"),
        ("GET", "/apis/buraq.dev/v1alpha1/taskqueues?watch=1"),
        ("PATCH", "/apis/buraq.dev/v1alpha1/namespaces/a/taskqueues/q/status"),
        ("GET", "/apis/apps/v1/deployments?limit=500&resourceVersion=0"),
        ("GET", "/apis/apps/v1/deployments?watch=true&resourceVersion=7"),
        ("GET", "/apis/apps/v1/namespaces/a/deployments/w/scale"),
        ("PATCH", "/apis/apps/v1/namespaces/a/deployments/w/scale"),
        ("PATCH", "/api/v1/namespaces/a/pods/p"),
        ("POST", "/apis/events.k8s.io/v1/namespaces/a/events"),
        ("GET", "/apis/coordination.k8s.io/v1/namespaces/buraq-system/leases/l"),
        ("POST", "/apis/coordination.k8s.io/v1/namespaces/buraq-system/leases"),
        ("PUT", "/apis/coordination.k8s.io/v1/namespaces/buraq-system/leases/l"),
    ]:
        assert authorize(granted, attributes(method, path)), f"{method} {path} is forbidden"


def test_the_controller_may_not_do_more():
    granted = controller_grants()
    for method, path in [
        ("GET", "/api/v1/namespaces/a/secrets/redis"),             # only with a per-namespace RoleBinding
        ("PUT", "/apis/apps/v1/namespaces/a/deployments/w"),        # scale only, never the Deployment
        ("PATCH", "/apis/apps/v1/namespaces/a/deployments/w"),
        ("GET", "/apis/apps/v1/namespaces/a/deployments/w"),        # watched, never read one by one
        ("DELETE", "/api/v1/namespaces/a/pods/p"),
        ("POST", "/api/v1/namespaces/a/pods"),
        ("PUT", "/apis/buraq.dev/v1alpha1/namespaces/a/taskqueues/q"),  # never the spec
        ("DELETE", "/apis/buraq.dev/v1alpha1/namespaces/a/taskqueues/q"),
        ("GET", "/apis/coordination.k8s.io/v1/namespaces/other/leases/l"),  # Leases in its own namespace only
        ("GET", "/api/v1/namespaces/a/configmaps/c"),
        ("GET", "/api/v1/namespaces/a/pods"),                       # pods are patched by name, never listed
        ("PUT", "/apis/buraq.dev/v1alpha1/namespaces/a/taskqueues/q/status"),  # status by merge patch only
    ]:
        assert not authorize(granted, attributes(method, path)), f"{method} {path} is allowed"


def test_no_wildcards_and_no_cluster_wide_secrets():
    for scope, rule in controller_grants():
        for key in ("apiGroups", "resources", "verbs"):
            assert "*" not in rule[key], rule
        if scope == "":
            assert "secrets" not in rule["resources"], "Secrets must not be readable cluster-wide"


def test_secret_reader_binding_is_per_namespace():
    role = next(o for o in rbac_objects() if o["metadata"]["name"] == "buraq-controller-secret-reader")
    assert role["rules"] == [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]
    binding = {"kind": "RoleBinding", "metadata": {"name": "x", "namespace": "team-a"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role["metadata"]["name"]},
               "subjects": [{"kind": "ServiceAccount", "name": "buraq-controller", "namespace": NAMESPACE}]}
    granted = grants(rbac_objects() + [binding], NAMESPACE, "buraq-controller")
    assert authorize(granted, attributes("GET", "/api/v1/namespaces/team-a/secrets/redis"))
    assert not authorize(granted, attributes("GET", "/api/v1/namespaces/team-b/secrets/redis"))


def test_rule_matching_honours_resource_names():
    rule = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"], "resourceNames": ["a"]}
    assert allows(rule, Attributes("get", "", "configmaps", "n", "a"))
    assert not allows(rule, Attributes("get", "", "configmaps", "n", "b"))


# --- end to end ---------------------------------------------------------------------------

# Granted verbs the end-to-end run may legitimately not exercise, each with the reason.
NOT_EXERCISED = {
    ("pods", "patch"): "deletion-cost annotations go to idle pods named by live worker heartbeats at a scale-down",
    ("leases", "create"): "only a controller that finds no Lease creates it",
    ("deployments/scale", "get"): "scales come from the Deployment watch; a GET happens only before it synced, "
                                  "for a Deployment it does not know, or after a conflict",
}

E2E_NAMESPACE = "e2e"


def e2e_objects(redis_port):
    worker = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "emails-worker", "namespace": E2E_NAMESPACE},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "emails-worker"}},
                 "template": {"metadata": {"labels": {"app": "emails-worker"}},
                              "spec": {"containers": [{"name": "worker", "image": "buraq/buraq-worker:0.1.0"}]}}},
    }
    taskqueue = {
        "apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue",
        "metadata": {"name": "emails", "namespace": E2E_NAMESPACE},
        "spec": {
            "redis": {"address": f"127.0.0.1:{redis_port}"},
            "queue": "emails",
            "workers": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "emails-worker"},
                        "minReplicas": 0, "maxReplicas": 5},
            "scaling": {"targetPerReplica": 10, "pollingIntervalSeconds": 1, "cooldownPeriodSeconds": 1,
                        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0}}},
        },
    }
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": E2E_NAMESPACE}}
    return [namespace, worker, taskqueue]


def scale_of(kubeconfig):
    from cluster import kubectl
    out = kubectl(kubeconfig, "-n", E2E_NAMESPACE, "get", "deployment", "emails-worker",
                  "-o", "jsonpath={.spec.replicas}", check=False).stdout.strip()
    return int(out) if out.isdigit() else None


def test_rbac_covers_exactly_the_requests_of_an_end_to_end_run(tmp_path):
    import subprocess

    import yaml

    from apirecorder import RecordingProxy
    from cluster import Process, binary, fake_apiserver, free_port, kubectl, redis_server, wait_until, write_kubeconfig
    from conftest import CRD_PATH, require_crd

    require_crd()
    controller_bin, cli_bin, worker_bin = binary("buraq-controller"), binary("buraq"), binary("buraq-worker")
    redis, redis_port = redis_server(tmp_path)
    apiserver, url, admin_kubeconfig = fake_apiserver(tmp_path)
    processes = [redis, apiserver]
    try:
        kubectl(admin_kubeconfig, "apply", "-f", CRD_PATH, "-f", os.path.join(MANIFESTS, "00-namespace.yaml"))
        kubectl(admin_kubeconfig, "apply", "-f", "-", stdin=yaml.safe_dump_all(e2e_objects(redis_port)))
        redis_url = f"redis://127.0.0.1:{redis_port}"
        with RecordingProxy(url) as proxy:
            controller_kubeconfig = write_kubeconfig(tmp_path / "controller.kubeconfig", proxy.url)
            controller = Process([controller_bin, "--kubeconfig", controller_kubeconfig, "--leader-elect",
                                  f"--leader-elect-namespace={NAMESPACE}",
                                  f"--metrics-bind-address=127.0.0.1:{free_port()}",
                                  f"--health-probe-bind-address=127.0.0.1:{free_port()}"],
                                 str(tmp_path / "controller.log"), env={"POD_NAME": "buraq-controller-e2e", "POD_NAMESPACE": NAMESPACE})
            processes.append(controller)
            subprocess.run([cli_bin, "enqueue", "noop", "--queue", "emails", "--count", "200", "--redis-url", redis_url],
                           check=True, capture_output=True, timeout=60)
            wait_until(lambda: (scale_of(admin_kubeconfig) or 0) > 0, 60, "the controller to scale the workers up")
            worker = Process([worker_bin, "--queue", "emails", "--redis-url", redis_url, "--consumer", "e2e-worker"],
                             str(tmp_path / "worker.log"))
            processes.append(worker)
            wait_until(lambda: scale_of(admin_kubeconfig) == 0, 90, "the controller to scale the workers back to zero")
            worker.stop()
            assert controller.stop(grace=15) == 0, controller.output()
            recorded = proxy.recorded()
    finally:
        for p in reversed(processes):
            p.stop()

    granted = controller_grants()
    used = set()
    forbidden = []
    for method, path in recorded:
        attrs = attributes(method, path)
        if attrs is None:
            continue  # discovery and other non-resource URLs
        allowed = authorize(granted, attrs)
        if not allowed:
            forbidden.append(f"{method} {path} ({attrs})")
        used |= {(scope, index, verb) for scope, index, verb in allowed}
    summary = sorted({f"{a.verb} {a.group or 'core'}/{a.resource}" for a in (attributes(m, p) for m, p in recorded) if a})
    print(f"\n{len(recorded)} requests; resource requests by verb: " + ", ".join(summary))
    assert forbidden == [], "requests the RBAC rules forbid:\n" + "\n".join(forbidden)

    unused = []
    for index, (scope, rule) in enumerate(granted):
        for verb in rule["verbs"]:
            if (scope, index, verb) in used:
                continue
            if all((resource, verb) in NOT_EXERCISED for resource in rule["resources"]):
                continue
            unused.append(f"{verb} {rule['apiGroups']}/{rule['resources']}")
    assert unused == [], "granted but never used (remove them, or list them in NOT_EXERCISED with why):\n" + "\n".join(unused)
    assert any(attributes(m, p) and attributes(m, p).resource == "deployments/scale" and m == "PATCH" for m, p in recorded)


def test_recording_proxy_passes_requests_and_watch_streams_through(tmp_path):
    """The harness of the end-to-end test: kubectl through the proxy sees what it would see
    directly, watch events arrive while the watch is open, and every request is recorded."""
    import subprocess
    import threading
    import time

    from apirecorder import RecordingProxy
    from cluster import fake_apiserver, kubectl, write_kubeconfig
    from conftest import require_tool

    apiserver, url, direct = fake_apiserver(tmp_path)
    try:
        with RecordingProxy(url) as proxy:
            proxied = write_kubeconfig(tmp_path / "proxied.kubeconfig", proxy.url)
            kubectl(proxied, "apply", "-f", os.path.join(MANIFESTS, "00-namespace.yaml"))
            watch = subprocess.Popen([require_tool("kubectl"), "--kubeconfig", proxied, "get", "namespaces", "--watch",
                                      "--output-watch-events", "-o", "name", "--request-timeout=20s"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            lines = []
            reader = threading.Thread(target=lambda: lines.extend(watch.stdout), daemon=True)
            reader.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any("buraq-system" in line for line in lines):
                time.sleep(0.1)
            kubectl(direct, "apply", "-f", "-", stdin="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: watched-later\n")
            while time.monotonic() < deadline and not any("watched-later" in line for line in lines):
                time.sleep(0.1)
            watch.terminate()
            watch.wait(10)
            recorded = proxy.recorded()
    finally:
        apiserver.stop()
    assert any("watched-later" in line for line in lines), lines
    verbs = {str(attributes(m, p)).split()[0] for m, p in recorded if attributes(m, p)}
    assert {"get", "list", "watch"} <= verbs, recorded
    assert any(m == "PATCH" or m == "POST" for m, _ in recorded), recorded


def test_end_to_end_objects_are_valid():
    """The TaskQueue the end-to-end run applies passes the CRD's schema and CEL rules."""
    import yaml

    from conftest import CRD_PATH, require_crd
    from crdschema import check_resource
    require_crd()
    with open(CRD_PATH) as f:
        crd = yaml.safe_load(f)
    taskqueue = next(o for o in e2e_objects(6379) if o["kind"] == "TaskQueue")
    _, errors, _ = check_resource(taskqueue, crd)
    assert errors == []
