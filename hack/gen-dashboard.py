#!/usr/bin/env python3
"""Writes charts/buraq/dashboards/buraq.json, the Grafana dashboard of the controller's and the
workers' metrics. Edit the panels here, run `python3 hack/gen-dashboard.py`, commit both;
hack/deploy-tests/test_dashboard.py checks the file is this script's output and that every metric
and label it queries exists."""
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "charts", "buraq", "dashboards", "buraq.json")
DS = {"type": "prometheus", "uid": "${datasource}"}
C = 'namespace=~"$namespace", taskqueue=~"$taskqueue"'  # controller series of the selected TaskQueues
W = 'queue=~"$queue"'                                   # worker series of their queues


class Layout:
    def __init__(self):
        self.panels, self.y = [], 0

    def add(self, panel, x, w, h):
        panel.update(id=len(self.panels) + 1, gridPos={"h": h, "w": w, "x": x, "y": self.y})
        self.panels.append(panel)

    def row(self, title):
        self.add({"type": "row", "title": title, "collapsed": False, "panels": []}, 0, 24, 1)
        self.y += 1

    def stat(self, title, description, expr, x, w=6, h=4):
        self.add({"type": "stat", "title": title, "description": description, "datasource": DS,
                  "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                              "colorMode": "value", "graphMode": "none"},
                  "targets": [{"datasource": DS, "expr": expr, "refId": "A"}]}, x, w, h)

    def series(self, title, description, targets, unit="short", x=0, w=12, h=8, stack=False):
        self.add({"type": "timeseries", "title": title, "description": description, "datasource": DS,
                  "fieldConfig": {"defaults": {"unit": unit, "custom": {"fillOpacity": 10,
                                                                        "stacking": {"mode": "normal" if stack else "none"}}},
                                  "overrides": []},
                  "options": {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}},
                  "targets": [{"datasource": DS, "expr": e, "legendFormat": l, "refId": chr(65 + i)}
                              for i, (e, l) in enumerate(targets)]}, x, w, h)

    def next_line(self, h=8):
        self.y += h


def quantiles(metric, by, selector):
    return [(f'histogram_quantile({q}, sum by (le{", " + by if by else ""}) (rate({metric}_bucket{{{selector}}}[$__rate_interval])))',
             f"p{int(q * 100)}" + (f" {{{{{by}}}}}" if by else "")) for q in (0.5, 0.99)]


def dashboard():
    d = Layout()
    d.row("Controller")
    d.stat("Leaders", "Controllers holding the Lease: 1 is healthy, 0 means nothing scales.", "sum(buraq_controller_is_leader)", x=0)
    d.stat("TaskQueues", "TaskQueues the leader reconciles.", "max(buraq_controller_taskqueues)", x=6)
    d.stat("Scale writes (1h)", "Replica count changes written in the last hour.",
           f"sum(increase(buraq_controller_scale_writes_total{{{C}}}[1h]))", x=12)
    d.stat("Errors (1h)", "Redis, API, spec and worker errors in the last hour.", "sum(increase(buraq_controller_errors_total[1h]))", x=18)
    d.next_line(4)
    d.series("Backlog", "Tasks waiting or in flight (lag + pending): what the controller scales on by default.",
             [(f"sum by (namespace, taskqueue) (buraq_controller_queue_backlog{{{C}}})", "{{namespace}}/{{taskqueue}}")])
    d.series("Lag and pending", "Lag: entries not yet delivered to the consumer group. Pending: delivered, not yet acknowledged.",
             [(f"sum by (namespace, taskqueue) (buraq_controller_queue_lag{{{C}}})", "lag {{namespace}}/{{taskqueue}}"),
              (f"sum by (namespace, taskqueue) (buraq_controller_queue_pending{{{C}}})", "pending {{namespace}}/{{taskqueue}}")], x=12)
    d.next_line()
    d.series("Replicas: current and desired", "Desired is the last decision; current is the scale target's replica count.",
             [(f"sum by (namespace, taskqueue) (buraq_controller_queue_replicas{{{C}}})", "current {{namespace}}/{{taskqueue}}"),
              (f"sum by (namespace, taskqueue) (buraq_controller_queue_desired_replicas{{{C}}})", "desired {{namespace}}/{{taskqueue}}")])
    d.series("Scaling decisions by reason", "Decisions per second by the rule that decided them; the same reason is in the log line and the ScalingLimited condition.",
             [(f"sum by (reason) (rate(buraq_controller_scaling_decisions_total{{{C}}}[$__rate_interval]))", "{{reason}}")],
             unit="ops", x=12, stack=True)
    d.next_line()
    d.series("Scheduled and dead letters", "Scheduled: delayed tasks and retries waiting for their time. Dead letters: tasks out of retries, kept for inspection.",
             [(f"sum by (namespace, taskqueue) (buraq_controller_queue_scheduled{{{C}}})", "scheduled {{namespace}}/{{taskqueue}}"),
              (f"sum by (namespace, taskqueue) (buraq_controller_queue_dead_letters{{{C}}})", "dead letters {{namespace}}/{{taskqueue}}")])
    d.series("Errors by source and code", "source: redis, api, workers or spec; code: the condition reason (RedisUnavailable, FailedRescale, ...).",
             [("sum by (source, code) (rate(buraq_controller_errors_total[$__rate_interval]))", "{{source}} {{code}}")],
             unit="ops", x=12, stack=True)
    d.next_line()
    d.series("Reconcile duration (p50, p99)", "One poll of one TaskQueue: read Redis, decide, scale, write status.",
             quantiles("buraq_controller_reconcile_duration_seconds", "", 'namespace=~"$namespace"'), unit="s", w=24)
    d.next_line()
    d.row("Workers")
    d.series("Tasks processed and failed per second", "Handler runs across all workers of the queue; failed counts every failed attempt.",
             [(f"sum by (queue) (rate(buraq_tasks_processed_total{{{W}}}[$__rate_interval]))", "processed {{queue}}"),
              (f"sum by (queue) (rate(buraq_tasks_failed_total{{{W}}}[$__rate_interval]))", "failed {{queue}}")], unit="ops")
    d.series("Retried and dead-lettered per second", "A steady dead-letter rate means handlers fail for good: read the DLQ entries' error and reason fields.",
             [(f"sum by (queue) (rate(buraq_tasks_retried_total{{{W}}}[$__rate_interval]))", "retried {{queue}}"),
              (f"sum by (queue) (rate(buraq_tasks_dlq_total{{{W}}}[$__rate_interval]))", "dead-lettered {{queue}}")], unit="ops", x=12)
    d.next_line()
    d.series("Handler duration by type (p50, p99)", "How long handlers run, per task type.",
             quantiles("buraq_task_duration_seconds", "type", W), unit="s")
    d.series("Queue wait (p50, p99)", "From enqueue (or due time) to handler start: what scaling is meant to keep low.",
             quantiles("buraq_task_wait_seconds", "queue", W), unit="s", x=12)
    d.next_line()
    d.series("Tasks in flight", "Handlers running now, across all worker pods.",
             [(f"sum by (queue) (buraq_tasks_in_flight{{{W}}})", "{{queue}}")], w=24)

    def variable(name, label, query):
        return {"name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
                "definition": query, "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "current": {}}
    return {
        "title": "Buraq",
        "uid": "buraq-overview",
        "description": "Buraq queues, scaling decisions and workers (controller metrics on :8080, worker metrics on :2112).",
        "tags": ["buraq", "queues", "autoscaling"],
        "timezone": "browser", "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1,
        "refresh": "10s", "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus", "current": {}, "hide": 0},
            variable("namespace", "Namespace", "label_values(buraq_controller_queue_backlog, namespace)"),
            variable("taskqueue", "TaskQueue", 'label_values(buraq_controller_queue_backlog{namespace=~"$namespace"}, taskqueue)'),
            variable("queue", "Queue", 'label_values(buraq_controller_queue_backlog{namespace=~"$namespace", taskqueue=~"$taskqueue"}, queue)'),
        ]},
        "annotations": {"list": []},
        "panels": d.panels,
    }


def render():
    return json.dumps(dashboard(), indent=2) + "\n"


if __name__ == "__main__":
    with open(OUT, "w") as f:
        f.write(render())
    sys.exit(0)
