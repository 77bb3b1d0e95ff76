"""charts/buraq/dashboards/buraq.json: valid Grafana JSON; every metric it queries is defined in
the code, and, scraped from a running controller (local mode) and worker, exists with the labels
the dashboard selects and groups by."""
import glob
import json
import os
import re
import subprocess
import urllib.request


from conftest import CHART, ROOT

DASHBOARD = os.path.join(CHART, "dashboards", "buraq.json")


def dashboard():
    with open(DASHBOARD) as f:
        return json.load(f)


def expressions(dash):
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]
    for variable in dash["templating"]["list"]:
        if variable["type"] == "query":
            yield variable["name"], variable["definition"]


def base_name(name):
    return re.sub(r"_(bucket|sum|count)$", "", name)


def metric_names(expr):
    return {base_name(n) for n in re.findall(r"\b(buraq_[a-z0-9_]+)", expr)}


def label_names(expr):
    """Labels an expression selects on or groups by (le excepted: histogram buckets have it)."""
    labels = set(re.findall(r"([a-z_]+)\s*=~?", " ".join(re.findall(r"\{([^}]*)\}", expr))))
    for group in re.findall(r"\bby \(([^)]*)\)", expr):
        labels |= {g.strip() for g in group.split(",")}
    labels |= set(re.findall(r"label_values\([^,]+,\s*(\w+)\)", expr))
    return labels - {"le"}


def names_in_code():
    """Metric names the Swift sources define: string literals, and swift-prometheus
    MetricNameDescriptor(namespace:metricName:unitName:) triples."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "Sources", "**", "*.swift"), recursive=True):
        with open(path) as f:
            text = f.read()
        names |= set(re.findall(r'"(buraq_[a-z0-9_]+)', text))
        for ns, metric, unit in re.findall(
                r'MetricNameDescriptor\(\s*namespace:\s*"(\w+)",\s*metricName:\s*"(\w+)",\s*unitName:\s*"(\w*)"', text):
            names.add("_".join(p for p in (ns, metric, unit) if p))
    return names


def test_dashboard_is_the_generators_output():
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_dashboard", os.path.join(ROOT, "hack", "gen-dashboard.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with open(DASHBOARD) as f:
        assert f.read() == gen.render(), "run `python3 hack/gen-dashboard.py`"


def test_dashboard_is_grafana_json():
    dash = dashboard()
    assert dash["title"] and dash["uid"] and isinstance(dash["schemaVersion"], int)
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dash["panels"]:
        grid = panel["gridPos"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 24
        if panel["type"] != "row":
            assert panel["targets"], f"panel {panel['title']} queries nothing"
            assert {t["refId"] for t in panel["targets"]} == {chr(65 + i) for i in range(len(panel["targets"]))}
    names = {v["name"] for v in dash["templating"]["list"]}
    for _, expr in expressions(dash):
        for variable in re.findall(r"\$(\w+)", expr):
            assert variable in names | {"__rate_interval", "__interval", "__range"}, f"unknown variable ${variable}"


def test_every_metric_the_dashboard_queries_is_defined_in_the_code():
    code = names_in_code()
    queried = {name for _, expr in expressions(dashboard()) for name in metric_names(expr)}
    assert len(queried) >= 15
    missing = sorted(queried - code)
    assert missing == [], f"the dashboard queries metrics no Swift source defines: {missing}"


def test_counters_are_read_as_rates_and_histograms_as_quantiles():
    for title, expr in expressions(dashboard()):
        for name in re.findall(r"\b(buraq_[a-z0-9_]+_total)\b", expr):
            assert f"rate({name}" in expr or f"increase({name}" in expr, f"{title}: read a counter through rate() or increase()"
        if "_bucket" in expr:
            assert "histogram_quantile(" in expr and "by (le" in expr, title


# --- against running processes -------------------------------------------------------------

def scrape(url):
    """{metric family: set of label names seen on its samples} from a /metrics page."""
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    families = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.setdefault(line.split()[2], set())
        elif line and not line.startswith("#"):
            m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
            if m:
                labels = set(re.findall(r'(\w+)="', m.group(3) or ""))
                families.setdefault(base_name(m.group(1)), set()).update(labels)
    return families


def test_dashboard_metrics_and_labels_exist_on_running_processes(tmp_path):
    from cluster import Process, binary, free_port, redis_server, wait_until

    controller_bin, worker_bin, cli_bin = binary("buraq-controller"), binary("buraq-worker"), binary("buraq")
    redis, port = redis_server(tmp_path)
    redis_url = f"redis://127.0.0.1:{port}"
    processes = [redis]
    try:
        def enqueue(*args):
            subprocess.run([cli_bin, "enqueue", *args, "--queue", "dash", "--redis-url", redis_url],
                           check=True, capture_output=True, timeout=60)
        enqueue("noop", "--count", "40")
        enqueue("fail", "1")           # fails every attempt: failed and retried
        enqueue("no.such.type")        # no handler: dead-lettered at once
        (tmp_path / "tq.yaml").write_text(f"""apiVersion: buraq.dev/v1alpha1
kind: TaskQueue
metadata: {{name: dash, namespace: default}}
spec:
  redis: {{address: "127.0.0.1:{port}"}}
  queue: dash
  workers: {{scaleTargetRef: {{name: dash-worker}}, minReplicas: 0, maxReplicas: 2}}
  scaling: {{targetPerReplica: 10, pollingIntervalSeconds: 1}}
""")
        # The controller's local workers are stand-ins that only sleep, so that the real worker
        # below, with its own metrics port, is the one that runs the tasks.
        stand_in = tmp_path / "stand-in-worker"
        stand_in.write_text("#!/bin/sh\nexec sleep 600\n")
        stand_in.chmod(0o755)
        controller_metrics = free_port()
        controller = Process([controller_bin, "--local", str(tmp_path / "tq.yaml"), "--worker-path", str(stand_in),
                              "--metrics-bind-address", f"127.0.0.1:{controller_metrics}",
                              "--health-probe-bind-address", "0", "--redis-url", redis_url],
                             str(tmp_path / "controller.log"))
        processes.append(controller)
        controller_url = f"http://127.0.0.1:{controller_metrics}/metrics"
        wait_until(lambda: _has_samples(controller_url, "buraq_controller_scaling_decisions_total"), 60, "a scaling decision")
        worker_metrics = free_port()
        worker = Process([worker_bin, "--queue", "dash", "--redis-url", redis_url, "--consumer", "dash-worker",
                          "--metrics-port", str(worker_metrics), "--metrics-host", "127.0.0.1", "--retry-base-ms", "50"],
                         str(tmp_path / "worker.log"))
        processes.append(worker)
        worker_url = f"http://127.0.0.1:{worker_metrics}/metrics"
        wait_until(lambda: all(_has_samples(worker_url, n) for n in
                               ("buraq_tasks_processed_total", "buraq_tasks_retried_total", "buraq_tasks_dlq_total")),
                   60, "worker metrics for processed, retried and dead-lettered tasks")
        scraped = scrape(controller_url)
        scraped.update(scrape(worker_url))
    finally:
        for p in reversed(processes):
            p.stop()

    problems = []
    for title, expr in expressions(dashboard()):
        for name in metric_names(expr):
            if name not in scraped:
                problems.append(f"{title}: {name} is not exposed")
                continue
            if not scraped[name]:
                continue  # a family without samples yet (e.g. no errors happened): labels unknown
            for label in label_names(expr) - scraped[name]:
                problems.append(f"{title}: {name} has no label {label} (it has {sorted(scraped[name])})")
    assert problems == []


def _has_samples(url, name):
    try:
        return bool(scrape(url).get(name))
    except OSError:
        return False
