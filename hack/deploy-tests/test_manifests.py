"""manifests/: schema validity (kubernetes-validate --strict), pod security, kustomize."""
import os
import shutil

import pytest
import yaml

from conftest import (KUBERNETES_VERSION, MANIFESTS, ROOT, example_files, install_files, load_all,
                      pod_specs, quickstart_files, require_crd, require_tool, run)


# The oldest Kubernetes the chart declares (Chart.yaml kubeVersion) and the current one.
OLDEST_KUBERNETES = "1.29.0"


def kubernetes_validate(paths, version=KUBERNETES_VERSION):
    """Runs kubernetes-validate --strict; returns (ok, lines). Kinds it has no schema for (TaskQueue)
    are checked by test_taskqueue_schema.py instead."""
    if shutil.which("kubernetes-validate") is None:
        pytest.skip("kubernetes-validate not found: run `bash hack/deploy-tools.sh` (PyPI kubernetes-validate)")
    result = run(["kubernetes-validate", "--strict", "-k", version, *paths])
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()


@pytest.mark.parametrize("version", [OLDEST_KUBERNETES, KUBERNETES_VERSION])
def test_install_manifests_pass_kubernetes_validate_strict(version):
    ok, lines = kubernetes_validate(install_files(), version)
    assert ok, "\n".join(lines)
    passed = [line for line in lines if " passed for resource " in line]
    assert len(passed) == sum(len(load_all(p)) for p in install_files())


@pytest.mark.parametrize("version", [OLDEST_KUBERNETES, KUBERNETES_VERSION])
def test_crd_passes_kubernetes_validate_strict(version):
    ok, lines = kubernetes_validate([require_crd()], version)
    assert ok, "\n".join(lines)


def test_quickstart_and_examples_pass_kubernetes_validate_strict():
    files = quickstart_files() + example_files()
    ok, lines = kubernetes_validate(files)
    assert ok, "\n".join(lines)
    for line in lines:  # only the TaskQueues may lack a built-in schema
        if "Couldn't find schema" in line:
            assert "kind TaskQueue with api version buraq.dev/v1alpha1" in line, line


def test_kubernetes_validate_rejects_an_unknown_field(tmp_path):
    """The strict check is not a no-op: a misspelt field fails it."""
    docs = load_all(os.path.join(MANIFESTS, "30-controller-deployment.yaml"))
    docs[0]["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump_all(docs))
    ok, lines = kubernetes_validate([str(bad)])
    assert not ok and "readinessProbes" in "\n".join(lines)


def restricted_violations(name, spec):
    """Checks the restricted Pod Security Standard (plus a read-only root filesystem)."""
    problems = []
    pod_sc = spec.get("securityContext", {})
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            problems.append(f"{name}: {field} must not be set")
    for volume in spec.get("volumes", []):
        if "hostPath" in volume:
            problems.append(f"{name}: hostPath volume {volume['name']}")
    if pod_sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: pod seccompProfile.type must be RuntimeDefault")
    for c in spec.get("initContainers", []) + spec["containers"]:
        sc = c.get("securityContext", {})
        where = f"{name}/{c['name']}"
        if not (sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))):
            problems.append(f"{where}: runAsNonRoot must be true")
        if sc.get("runAsUser", pod_sc.get("runAsUser", 1)) == 0:
            problems.append(f"{where}: runAsUser must not be 0")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation must be false")
        if sc.get("privileged"):
            problems.append(f"{where}: privileged")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{where}: capabilities.drop must be [ALL]")
        if sc.get("capabilities", {}).get("add"):
            problems.append(f"{where}: capabilities.add must be empty")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: readOnlyRootFilesystem must be true")
        if "resources" not in c or "requests" not in c["resources"] or "limits" not in c["resources"]:
            problems.append(f"{where}: resources.requests and resources.limits must be set")
    return problems


def test_every_pod_meets_the_restricted_profile():
    objects = [o for p in install_files() + quickstart_files() for o in load_all(p)]
    specs = list(pod_specs(objects))
    assert {n for n, _ in specs} >= {"buraq-controller", "emails-worker", "redis"}
    problems = [p for name, spec in specs for p in restricted_violations(name, spec)]
    assert problems == []


def test_restricted_check_catches_a_root_container():
    objects = load_all(os.path.join(MANIFESTS, "30-controller-deployment.yaml"))
    spec = objects[0]["spec"]["template"]["spec"]
    spec["securityContext"]["runAsNonRoot"] = False
    spec["containers"][0]["securityContext"]["capabilities"] = {"add": ["NET_ADMIN"]}
    problems = restricted_violations("controller", spec)
    assert any("runAsNonRoot" in p for p in problems) and any("capabilities" in p for p in problems)


def test_controller_deployment_wiring():
    deployment = load_all(os.path.join(MANIFESTS, "30-controller-deployment.yaml"))[0]
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert "--leader-elect" in container["args"]
    assert "--health-probe-bind-address=:8081" in container["args"]
    assert "--metrics-bind-address=:8080" in container["args"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"metrics": 8080, "probes": 8081}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "probes"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "probes"}
    assert spec["serviceAccountName"] == "buraq-controller"
    service = load_all(os.path.join(MANIFESTS, "31-metrics-service.yaml"))[0]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in service["spec"]["selector"].items())


def test_kustomization_lists_every_install_file():
    with open(os.path.join(MANIFESTS, "Kustomization")) as f:
        kustomization = yaml.safe_load(f)
    listed = set(kustomization["resources"])
    expected = {os.path.basename(p) for p in install_files()} | {"crd/taskqueues.buraq.dev.yaml"}
    assert listed == expected
    assert not os.path.exists(os.path.join(MANIFESTS, "kustomization.yaml")), \
        "a kustomization.yaml would break `kubectl apply -f manifests/`"


def test_kustomize_build_renders_the_install():
    require_crd()
    kubectl = require_tool("kubectl")
    result = run([kubectl, "kustomize", MANIFESTS])
    assert result.returncode == 0, result.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(result.stdout)]
    # kustomize orders namespaces and CRDs first, so `kubectl apply -k` needs no retries.
    assert kinds[:2] == ["Namespace", "CustomResourceDefinition"]
    assert kinds.count("Deployment") == 1


def test_oldest_version_is_the_charts():
    import yaml as _yaml
    with open(os.path.join(ROOT, "charts", "buraq", "Chart.yaml")) as f:
        assert _yaml.safe_load(f)["kubeVersion"] == f">={OLDEST_KUBERNETES}-0"
