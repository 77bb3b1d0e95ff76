"""charts/buraq: helm lint --strict, helm template, the schema, and equality with manifests/."""
import filecmp
import glob
import json
import os
import re

import pytest
import yaml

from conftest import (CHART, MANIFESTS, NAMESPACE, RELEASE, load_all,
                      object_key, pod_specs, require_crd, require_tool, run)
from test_manifests import kubernetes_validate, restricted_violations

# Labels only Helm adds; manifests/ leaves them out.
HELM_ONLY_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")


def helm_template(*args, crds=False):
    helm = require_tool("helm")
    cmd = [helm, "template", RELEASE, CHART, "--namespace", NAMESPACE, *args]
    if crds:
        cmd.append("--include-crds")
    result = run(cmd)
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d is not None]


def without_helm_labels(obj):
    obj = json.loads(json.dumps(obj))
    for metadata in (obj.get("metadata", {}), obj.get("spec", {}).get("template", {}).get("metadata", {})):
        labels = metadata.get("labels", {})
        for key in HELM_ONLY_LABELS:
            labels.pop(key, None)
    return obj


def test_helm_lint_strict():
    helm = require_tool("helm")
    result = run([helm, "lint", "--strict", CHART])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


def test_default_render_equals_manifests():
    """With default values the chart renders the objects of manifests/, the Namespace excepted
    (Helm makes it with --create-namespace)."""
    rendered = {object_key(o): without_helm_labels(o) for o in helm_template(crds=True)}
    kubectl = require_tool("kubectl")
    if os.path.exists(os.path.join(MANIFESTS, "crd")):
        result = run([kubectl, "kustomize", MANIFESTS])
        assert result.returncode == 0, result.stderr
        objects = [d for d in yaml.safe_load_all(result.stdout) if d]
    else:  # before the CRD is merged into this tree: the plain files, and no CRD on either side
        objects = [o for p in sorted(glob.glob(os.path.join(MANIFESTS, "*.yaml"))) for o in load_all(p)]
        rendered = {k: o for k, o in rendered.items() if o["kind"] != "CustomResourceDefinition"}
    expected = {object_key(o): o for o in objects if o["kind"] != "Namespace"}
    assert sorted(rendered, key=str) == sorted(expected, key=str)
    for key, obj in expected.items():
        assert rendered[key] == obj, f"{key} differs between the chart and manifests/"


def test_every_object_carries_the_recommended_labels():
    for obj in helm_template():
        labels = obj["metadata"]["labels"]
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                    "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart"):
            assert key in labels, f"{obj['kind']}/{obj['metadata']['name']} lacks {key}"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"


def test_render_with_every_option_passes_kubernetes_validate_strict(tmp_path):
    objects = helm_template(
        "--set", "replicaCount=2", "--set", "podDisruptionBudget.enabled=true",
        "--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=prometheus",
        "--set", "grafanaDashboard.enabled=true",
        "--set", "rbac.secretReaderNamespaces={team-a,team-b}",
        "--set", "watchNamespaces={team-a,team-b}",
        "--set", "leaderElection.leaseDuration=60s", "--set", "leaderElection.renewDeadline=40s",
        "--set", "leaderElection.retryPeriod=15s", "--set", "logFormat=json",
        "--set", "extraArgs={--redis-url=redis://redis:6379}", crds=True)
    kinds = [o["kind"] for o in objects]
    assert kinds.count("RoleBinding") == 3 and "PodDisruptionBudget" in kinds and "ServiceMonitor" in kinds
    assert "ConfigMap" in kinds
    ported = helm_template("--set", "metrics.port=9090")
    annotations = next(o for o in ported if o["kind"] == "Service")["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == "9090"
    # kubernetes-validate has no schema for ServiceMonitor (a Prometheus Operator CRD).
    builtin = [o for o in objects if o["kind"] != "ServiceMonitor"]
    path = tmp_path / "rendered.yaml"
    path.write_text(yaml.safe_dump_all(builtin))
    ok, lines = kubernetes_validate([str(path)])
    assert ok, "\n".join(lines)
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    for arg in ("--namespace=team-a", "--namespace=team-b", "--leader-elect-lease-duration=60s",
                "--leader-elect-renew-deadline=40s", "--leader-elect-retry-period=15s",
                "--log-format=json", "--redis-url=redis://redis:6379"):
        assert arg in args
    monitor = next(o for o in objects if o["kind"] == "ServiceMonitor")
    service = next(o for o in objects if o["kind"] == "Service")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]
    assert monitor["spec"]["endpoints"][0]["honorLabels"] is True  # the series' own namespace label
    dashboard = next(o for o in objects if o["kind"] == "ConfigMap")
    json.loads(dashboard["data"]["buraq.json"])


def test_default_render_passes_kubernetes_validate_strict_and_pod_security(tmp_path):
    objects = helm_template(crds=True)
    path = tmp_path / "rendered.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    ok, lines = kubernetes_validate([str(path)])
    assert ok, "\n".join(lines)
    assert [p for name, spec in pod_specs(objects) for p in restricted_violations(name, spec)] == []


def test_leader_election_off_drops_the_role():
    objects = helm_template("--set", "leaderElection.enabled=false")
    assert "Role" not in [o["kind"] for o in objects]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert not any(a.startswith("--leader-elect") for a in deployment["spec"]["template"]["spec"]["containers"][0]["args"])


@pytest.mark.parametrize("bad", ["replicaCount=-1", "logFormat=xml", "unknownKey=1", "image.pullPolicy=Sometimes",
                                 "leaderElection.leaseDuration=15", "metrics.port=70000"])
def test_values_schema_rejects_bad_values(bad):
    helm = require_tool("helm")
    result = run([helm, "template", RELEASE, CHART, "--set", bad])
    assert result.returncode != 0, f"--set {bad} was accepted"


def test_values_yaml_documents_every_key():
    """Every key in values.yaml has a comment right above it that starts with its dotted name
    (helm's values best practice), or is a section whose children are documented."""
    with open(os.path.join(CHART, "values.yaml")) as f:
        lines = f.read().splitlines()
    stack = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("-") or ":" not in stripped:
            continue
        indent = len(line) - len(line.lstrip())
        key = stripped.split(":", 1)[0].strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack and stack[-1][2]:  # inside a documented map value (e.g. resources, labels)
            continue
        dotted = ".".join([k for _, k, _ in stack] + [key])
        start = i  # first line of the comment block right above
        while start > 0 and lines[start - 1].strip().startswith("#"):
            start -= 1
        comment = lines[start].strip() if start < i else ""
        is_section = stripped.endswith(":") and i + 1 < len(lines) and \
            (len(lines[i + 1]) - len(lines[i + 1].lstrip())) > indent and not comment.startswith("#")
        documented = any(re.match(rf"# {re.escape(name)}(?![\w.])", comment) for name in (dotted, key))
        assert documented or is_section, f"values.yaml line {i + 1}: `{dotted}` has no comment starting with its name"
        stack.append((indent, key, documented))


def test_chart_crd_is_a_copy_of_manifests_crd():
    require_crd()
    sources = sorted(os.path.basename(p) for p in glob.glob(os.path.join(MANIFESTS, "crd", "*.yaml")))
    copies = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CHART, "crds", "*.yaml")))
    assert copies == sources, "run `bash hack/sync-chart-crd.sh`"
    for name in sources:
        assert filecmp.cmp(os.path.join(MANIFESTS, "crd", name), os.path.join(CHART, "crds", name), shallow=False), \
            f"charts/buraq/crds/{name} differs from manifests/crd/{name}: run `bash hack/sync-chart-crd.sh`"


def test_chart_version_and_app_version_match_the_manifests():
    with open(os.path.join(CHART, "Chart.yaml")) as f:
        chart = yaml.safe_load(f)
    assert chart["apiVersion"] == "v2"
    deployment = load_all(os.path.join(MANIFESTS, "30-controller-deployment.yaml"))[0]
    assert deployment["metadata"]["labels"]["app.kubernetes.io/version"] == chart["appVersion"]
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":" + chart["appVersion"])


def test_notes_render_with_the_release_names():
    helm = require_tool("helm")
    result = run([helm, "install", RELEASE, CHART, "--namespace", NAMESPACE, "--dry-run=client"])
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:", 1)[1]
    assert f"-n {NAMESPACE} rollout status deployment/buraq-controller" in notes
    assert "kubectl apply --server-side -f charts/buraq/crds/" in notes
    assert "rbac.secretReaderNamespaces" in notes
    with_secrets = run([helm, "install", RELEASE, CHART, "--namespace", NAMESPACE, "--dry-run=client",
                        "--set", "rbac.secretReaderNamespaces={a}"]).stdout.split("NOTES:", 1)[1]
    assert "rbac.secretReaderNamespaces" not in with_secrets


def test_namespaced_rbac_scope_gives_roles_in_the_watched_namespaces_only():
    objects = helm_template("--set", "rbac.scope=namespaces", "--set", "watchNamespaces={team-a,team-b}")
    kinds = {(o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")) for o in objects}
    assert ("ClusterRoleBinding", "buraq-controller", None) not in kinds
    assert ("ClusterRole", "buraq-controller", None) not in kinds
    for ns in ("team-a", "team-b"):
        assert ("Role", "buraq-controller", ns) in kinds and ("RoleBinding", "buraq-controller", ns) in kinds
    cluster_role = next(o for o in helm_template() if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "buraq-controller")
    role = next(o for o in objects if o["kind"] == "Role" and o["metadata"]["name"] == "buraq-controller")
    assert role["rules"] == cluster_role["rules"]
    helm = require_tool("helm")
    result = run([helm, "template", RELEASE, CHART, "--set", "rbac.scope=namespaces"])
    assert result.returncode != 0 and "needs watchNamespaces" in result.stderr
