#!/usr/bin/env bash
# Kubernetes client benchmarks (docs/benchmarks.md, "Kubernetes client"): release build, a fake API
# server in its own process (so the figures are the client's), scale patch round trips, informer memory.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product buraq-fake-apiserver
swift build -c release --product buraq-kube-bench
B=$(swift build -c release --show-bin-path)
PORT=${PORT:-18777}
"$B/buraq-fake-apiserver" --port "$PORT" --bookmark-interval 60 > /tmp/buraq-bench-apiserver.log 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q Listening /tmp/buraq-bench-apiserver.log 2>/dev/null && break; sleep 0.1; done
"$B/buraq-kube-bench" scale --server "http://127.0.0.1:$PORT" --count "${COUNT:-5000}"
"$B/buraq-kube-bench" informer --server "http://127.0.0.1:$PORT" --objects "${OBJECTS:-1000}"
"$B/buraq-kube-bench" informer --server "http://127.0.0.1:$PORT" --objects "${OBJECTS:-1000}" --controller-view
