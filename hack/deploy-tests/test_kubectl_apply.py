"""`kubectl apply` of manifests/ (plain, kustomize and the quickstart) against the fake API server."""
import os

import yaml

from cluster import fake_apiserver, kubectl
from conftest import MANIFESTS, require_crd


def test_kubectl_apply_manifests_against_the_fake_api_server(tmp_path):
    require_crd()
    server, _, kubeconfig = fake_apiserver(tmp_path)
    try:
        kubectl(kubeconfig, "apply", "-f", os.path.join(MANIFESTS, "crd"), "-f", MANIFESTS)
        kubectl(kubeconfig, "apply", "-f", os.path.join(MANIFESTS, "quickstart"))
        # Applying again changes nothing and still succeeds; kustomize gives the same objects.
        out = kubectl(kubeconfig, "apply", "-k", MANIFESTS).stdout
        assert "unchanged" in out or "configured" in out, out
        deployment = yaml.safe_load(kubectl(kubeconfig, "-n", "buraq-system", "get", "deployment", "buraq-controller", "-o", "yaml").stdout)
        assert "--leader-elect" in deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        tq = yaml.safe_load(kubectl(kubeconfig, "-n", "buraq-demo", "get", "taskqueue", "emails", "-o", "yaml").stdout)
        assert tq["spec"]["workers"]["scaleTargetRef"]["name"] == "emails-worker"
        listed = kubectl(kubeconfig, "get", "clusterroles", "-o", "name").stdout.split()
        assert "clusterrole.rbac.authorization.k8s.io/buraq-controller" in listed
    finally:
        server.stop()


def test_kubectl_apply_f_manifests_skips_the_kustomization(tmp_path):
    """`kubectl apply -f manifests/` alone succeeds: kubectl reads only *.yaml/*.yml/*.json,
    and the kustomize file is named `Kustomization`."""
    server, _, kubeconfig = fake_apiserver(tmp_path)
    try:
        out = kubectl(kubeconfig, "apply", "-f", MANIFESTS).stdout
        assert "deployment.apps/buraq-controller created" in out, out
    finally:
        server.stop()
