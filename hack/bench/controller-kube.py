#!/usr/bin/env python3
"""Helper of `bash hack/bench.sh controller-kube` (docs/benchmarks.md, "Controller", "Kubernetes mode").

objects: writes the TaskQueue CRD and a List of N Deployments w-i and N TaskQueues q-i as JSON for
         `buraq-fake-apiserver --preload`.
measure: given the PIDs and addresses bench.sh started, measures the controller over a window
         (polls/s from /metrics, CPU from /proc/PID/stat, RSS from /proc/PID/status), then the
         reaction time from a burst's first task to the Deployment's spec.replicas change.
"""
import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse

import yaml

CLK_TCK = os.sysconf("SC_CLK_TCK")


def loaded(i, every):
    """Queue i holds a backlog when `every` > 0 and i is a multiple of it."""
    return every > 0 and i % every == 0


def objects_command(args):
    with open(args.crd) as f:
        crd = yaml.safe_load(f)
    with open(os.path.join(args.out, "crd.json"), "w") as f:
        json.dump(crd, f)
    items = []
    for i in range(args.task_queues):
        # Loaded queues start at the replicas their backlog asks for, so the window sees no scale writes.
        replicas = -(-args.backlog // 100) if loaded(i, args.backlog_every) else 0
        items.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": f"w-{i}", "namespace": "default"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": f"w-{i}"}},
                "template": {
                    "metadata": {"labels": {"app": f"w-{i}"}},
                    "spec": {"containers": [{"name": "worker", "image": "buraq-worker"}]},
                },
            },
            "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                       "updatedReplicas": replicas},
        })
    for i in range(args.task_queues):
        items.append({
            "apiVersion": "buraq.dev/v1alpha1", "kind": "TaskQueue",
            "metadata": {"name": f"q-{i}", "namespace": "default"},
            "spec": {
                "redis": {"address": f"127.0.0.1:{args.redis_port}"},
                "queue": f"kq-{i}",
                "workers": {"scaleTargetRef": {"name": f"w-{i}"}, "maxReplicas": 10},
                "scaling": {"targetPerReplica": 100},
            },
        })
    with open(os.path.join(args.out, "objects.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    # The queues bench.sh fills before the controller starts.
    print(" ".join(f"kq-{i}" for i in range(args.task_queues) if loaded(i, args.backlog_every)))


class Failure(Exception):
    pass


class Process:
    """CPU and memory of one process from /proc."""

    def __init__(self, pid, name):
        self.pid, self.name = pid, name

    def read(self, name):
        try:
            with open(f"/proc/{self.pid}/{name}") as f:
                return f.read()
        except (FileNotFoundError, ProcessLookupError):
            raise Failure(f"{self.name} (pid {self.pid}) exited")

    def stat(self):
        """The fields of /proc/PID/stat after the command name: index 0 is field 3 (state)."""
        return self.read("stat").rsplit(")", 1)[1].split()

    def alive(self):
        try:
            return self.stat()[0] != "Z"
        except Failure:
            return False

    def cpu_seconds(self):
        """utime + stime (fields 14 and 15 of /proc/PID/stat) in seconds."""
        fields = self.stat()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def age(self):
        """Seconds since the process started (field 22 of /proc/PID/stat, ticks after boot)."""
        started = int(self.stat()[19]) / CLK_TCK
        with open("/proc/uptime") as f:
            return float(f.read().split()[0]) - started

    def rss_kb(self):
        for line in self.read("status").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def http_get(url, timeout=10):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def metric_sum(text, name):
    """Sum of every sample of `name` (all label sets) in a Prometheus text exposition."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and line[len(name):len(name) + 1] in (" ", "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def scrape(metrics_url):
    status, body = http_get(metrics_url)
    if status != 200:
        raise Failure(f"GET {metrics_url} answered {status}")
    text = body.decode()
    return {
        "polls": metric_sum(text, "buraq_controller_reconcile_duration_seconds_count"),
        "scaleWrites": metric_sum(text, "buraq_controller_scale_writes_total"),
        "errors": metric_sum(text, "buraq_controller_errors_total"),
    }


def api_requests(api_url):
    """The fake API server's request counts by verb and resource (GET /fake/requests), or None."""
    try:
        status, body = http_get(api_url.rstrip("/") + "/fake/requests")
    except (OSError, http.client.HTTPException):
        return None
    return json.loads(body)["requests"] if status == 200 else None


def check(processes):
    for p in processes:
        if not p.alive():
            raise Failure(f"{p.name} (pid {p.pid}) exited")


def wait_for_metrics(metrics_url, processes, deadline):
    while time.monotonic() < deadline:
        check(processes)
        try:
            return scrape(metrics_url)
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise Failure(f"{metrics_url} did not answer")


def steady_window(args, controller, apiserver):
    """Polls/s, CPU and RSS over [start + warmup, start + warmup + seconds]."""
    processes = [controller, apiserver]
    started = time.monotonic() - controller.age()
    wait_for_metrics(args.metrics_url, processes, started + args.warmup + 30)
    rss_max = 0
    while time.monotonic() < started + args.warmup:
        check(processes)
        rss_max = max(rss_max, controller.rss_kb())
        time.sleep(0.5)
    t0, cpu0, api_cpu0 = time.monotonic(), controller.cpu_seconds(), apiserver.cpu_seconds()
    m0, r0 = scrape(args.metrics_url), api_requests(args.api_url)
    # Polls and CPU every 10 s of the window too (one scrape each), to tell a ramp from a steady rate.
    samples, next_sample = [(t0, m0["polls"], cpu0)], t0 + 10
    while time.monotonic() < t0 + args.seconds:
        check(processes)
        rss_max = max(rss_max, controller.rss_kb())
        if time.monotonic() >= next_sample and next_sample < t0 + args.seconds - 5:
            samples.append((time.monotonic(), scrape(args.metrics_url)["polls"], controller.cpu_seconds()))
            next_sample += 10
        time.sleep(min(1.0, max(0.0, t0 + args.seconds - time.monotonic())))
    t1, cpu1, api_cpu1 = time.monotonic(), controller.cpu_seconds(), apiserver.cpu_seconds()
    rss_end = controller.rss_kb()
    m1, r1 = scrape(args.metrics_url), api_requests(args.api_url)
    samples.append((t1, m1["polls"], cpu1))
    elapsed = t1 - t0
    return {
        "from": t0 - started, "to": t1 - started, "elapsed": elapsed,
        "pollsBefore": m0["polls"], "pollsAfter": m1["polls"],
        "pollsPerSecond": (m1["polls"] - m0["polls"]) / elapsed,
        "pollRates": [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(samples, samples[1:])],
        "cpuBySample": [100 * (b[2] - a[2]) / (b[0] - a[0]) for a, b in zip(samples, samples[1:])],
        "scaleWrites": m1["scaleWrites"] - m0["scaleWrites"], "errors": m1["errors"] - m0["errors"],
        "cpu": 100 * (cpu1 - cpu0) / elapsed, "apiCPU": 100 * (api_cpu1 - api_cpu0) / elapsed,
        "rssEnd": rss_end, "rssMax": max(rss_max, rss_end),
        "requests": None if r0 is None or r1 is None else
        {key: (n - r0.get(key, 0)) / elapsed for key, n in r1.items() if n > r0.get(key, 0)},
    }


def replicas(connection, name):
    connection.request("GET", f"/apis/apps/v1/namespaces/default/deployments/{name}")
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise Failure(f"GET deployment {name} answered {response.status}: {body[:200]!r}")
    return json.loads(body).get("spec", {}).get("replicas")


def first_entry_ms(args, queue):
    """Redis's own time of the queue's first stream entry (its id is <ms>-<seq>)."""
    out = subprocess.run(["redis-cli", "-p", str(args.redis_port), "--raw", "XRANGE", f"buraq:{{{queue}}}:stream",
                          "-", "+", "COUNT", "1"], capture_output=True, text=True, check=True).stdout.split()
    if not out:
        raise Failure(f"queue {queue} is empty after the enqueue")
    return int(out[0].split("-")[0])


def reaction_queues(args):
    """Idle queues spread over the range, starting at 7 as in the brief's example."""
    idle = [i for i in range(args.task_queues) if not loaded(i, args.backlog_every)]
    if not idle:
        return []
    start = idle.index(7) if 7 in idle else 0
    step = max(1, len(idle) // max(1, args.reaction_runs))
    return [idle[(start + k * step) % len(idle)] for k in range(min(args.reaction_runs, len(idle)))]


def reaction(args, controller, apiserver):
    """ms from each burst's first task (Redis's clock) to the Deployment's spec.replicas change."""
    api = urllib.parse.urlsplit(args.api_url)
    connection = http.client.HTTPConnection(api.hostname, api.port, timeout=10)
    results = []
    for i in reaction_queues(args):
        check([controller, apiserver])
        before = replicas(connection, f"w-{i}")
        time.sleep(random.uniform(0, 1))  # a random phase of the polling interval
        enqueue = subprocess.Popen([args.buraq, "enqueue", "noop", "--count", str(args.reaction_tasks), "--quiet",
                                    "--queue", f"kq-{i}", "--redis-url", f"redis://127.0.0.1:{args.redis_port}"],
                                   stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + args.reaction_timeout
        changed_at, after = None, before
        while time.monotonic() < deadline:
            after = replicas(connection, f"w-{i}")
            if after != before:
                changed_at = time.time()
                break
            time.sleep(0.02)
        if enqueue.wait(timeout=30) != 0:
            raise Failure(f"buraq enqueue into kq-{i} exited with {enqueue.returncode}")
        if changed_at is None:
            print(f"  kq-{i}: no change of w-{i} within {args.reaction_timeout:.0f} s (replicas {before})")
            results.append(None)
            continue
        ms = changed_at * 1000 - first_entry_ms(args, f"kq-{i}")
        print(f"  kq-{i}: {args.reaction_tasks} tasks, w-{i} replicas {before} -> {after} after {ms:.0f} ms")
        results.append(ms)
    connection.close()
    return results


def summary(args, window, reactions):
    done = sorted(r for r in reactions if r is not None)
    mb = lambda kb: f"{kb:,} kB = {kb * 1024 / 1e6:.1f} MB"
    print()
    print(f"==> controller, Kubernetes mode (fake API server), {args.task_queues:,} TaskQueues"
          f"{f', one in {args.backlog_every} with {args.backlog} tasks' if args.backlog_every else ''}")
    print(f"  command:            {args.command}")
    print(f"  controller args:    {args.controller_args or '(defaults)'}")
    print(f"  window:             {window['elapsed']:.1f} s, from {window['from']:.1f} s to {window['to']:.1f} s after start"
          f" (load average {open('/proc/loadavg').read().split()[0]})")
    print(f"  polls:              {window['pollsPerSecond']:,.1f}/s  ({window['pollsBefore']:,.0f} done at"
          f" {window['from']:.0f} s, {window['pollsAfter']:,.0f} at {window['to']:.0f} s)")
    print(f"  polls/s by 10 s:    {', '.join(f'{rate:,.0f}' for rate in window['pollRates'])}")
    print(f"  scale writes, errors in window: {window['scaleWrites']:.0f}, {window['errors']:.0f}")
    print(f"  controller CPU:     {window['cpu']:.1f} % of one core (user + system); by 10 s:"
          f" {', '.join(f'{cpu:.1f}' for cpu in window['cpuBySample'])} %")
    print(f"  controller RSS:     end {mb(window['rssEnd'])}; max {mb(window['rssMax'])}")
    print(f"  fake API server CPU: {window['apiCPU']:.1f} % of one core")
    requests = window["requests"]
    if requests is None:
        print("  API requests:       (this buraq-fake-apiserver has no GET /fake/requests)")
    else:
        by_kind = ", ".join(f"{key} {rate:,.1f}" for key, rate in sorted(requests.items(), key=lambda kv: -kv[1]))
        print(f"  API requests:       {sum(requests.values()):,.1f}/s{f' ({by_kind})' if by_kind else ''}")
    if done:
        print(f"  reaction:           median {statistics.median(done):.0f} ms, max {done[-1]:.0f} ms"
              f" ({len(done)} of {len(reactions)} runs; first task to spec.replicas change)")
    else:
        print(f"  reaction:           no change within {args.reaction_timeout:.0f} s in {len(reactions)} runs")


def measure_command(args):
    controller = Process(args.controller_pid, "buraq-controller")
    apiserver = Process(args.apiserver_pid, "buraq-fake-apiserver")
    try:
        window = steady_window(args, controller, apiserver)
        print(f"==> reaction: {args.reaction_runs} bursts of {args.reaction_tasks} tasks into idle queues")
        reactions = reaction(args, controller, apiserver)
        check([controller, apiserver])
    except Failure as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    summary(args, window, reactions)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command_name", required=True)
    objects = commands.add_parser("objects")
    objects.add_argument("--crd", required=True)
    objects.add_argument("--out", required=True)
    objects.add_argument("--task-queues", type=int, required=True)
    objects.add_argument("--redis-port", type=int, required=True)
    objects.add_argument("--backlog-every", type=int, default=3)
    objects.add_argument("--backlog", type=int, default=100)
    measure = commands.add_parser("measure")
    for name in ("--controller-pid", "--apiserver-pid", "--redis-port", "--task-queues"):
        measure.add_argument(name, type=int, required=True)
    for name in ("--metrics-url", "--api-url", "--buraq", "--command"):
        measure.add_argument(name, required=True)
    measure.add_argument("--controller-args", default="")
    measure.add_argument("--warmup", type=float, default=10)
    measure.add_argument("--seconds", type=float, default=60)
    measure.add_argument("--backlog-every", type=int, default=3)
    measure.add_argument("--backlog", type=int, default=100)
    measure.add_argument("--reaction-runs", type=int, default=5)
    measure.add_argument("--reaction-tasks", type=int, default=500)
    measure.add_argument("--reaction-timeout", type=float, default=120)
    args = parser.parse_args()
    if args.command_name == "objects":
        objects_command(args)
        return 0
    return measure_command(args)


if __name__ == "__main__":
    sys.exit(main())
