"""Processes for the end-to-end deployment tests: a private redis-server and the fake Kubernetes
API server (both on loopback, free ports, stopped by PID), kubeconfigs, and kubectl."""
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import ROOT, require_tool

# The binaries `swift build` made; BURAQ_BIN_DIR points elsewhere (e.g. a release build).
BIN = os.environ.get("BURAQ_BIN_DIR", os.path.join(ROOT, ".build", "debug"))


def binary(name):
    path = os.path.join(BIN, name)
    if not os.access(path, os.X_OK):
        pytest.skip(f"{os.path.relpath(path, ROOT)} not built (swift build); it comes with the Kubernetes client and controller issues")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process stopped by its PID (SIGTERM, then SIGKILL after a grace period)."""

    def __init__(self, args, log_path, env=None):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
                                     env={**os.environ, **(env or {})})

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_for_output(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if text in out:
                return out
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.proc.args[0]} exited with {self.proc.returncode}:\n{out}")
            time.sleep(0.05)
        raise AssertionError(f"{self.proc.args[0]} did not print {text!r} within {timeout}s:\n{self.output()}")

    def stop(self, grace=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def redis_server(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not installed (hack/setup.sh installs it)")
    port = free_port()
    proc = Process([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", str(tmp_path)], str(tmp_path / "redis.log"))
    proc.wait_for_output("Ready to accept connections")
    return proc, port


def fake_apiserver(tmp_path):
    """Starts buraq-fake-apiserver; returns (process, url, kubeconfig path)."""
    kubeconfig = tmp_path / "fake.kubeconfig"
    proc = Process([binary("buraq-fake-apiserver"), "--port", "0", "--write-kubeconfig", str(kubeconfig)],
                   str(tmp_path / "apiserver.log"))
    out = proc.wait_for_output("Listening on ")
    url = out.split("Listening on ", 1)[1].split()[0]
    return proc, url, str(kubeconfig)


def write_kubeconfig(path, server, namespace="default"):
    with open(path, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: {server}
users:
- name: fake
  user: {{}}
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
    namespace: {namespace}
current-context: fake
""")
    return str(path)


def kubectl(kubeconfig, *args, check=True, stdin=None):
    result = subprocess.run([require_tool("kubectl"), "--kubeconfig", kubeconfig, *args], input=stdin,
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    if check:
        assert result.returncode == 0, f"kubectl {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
