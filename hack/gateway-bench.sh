#!/usr/bin/env bash
# Load test of buraq-gateway's enqueue endpoint with wrk (Debian package), on loopback only:
# a private redis-server and the gateway (release build) on free ports, wrk over keep-alive.
# Usage: hack/gateway-bench.sh [seconds] [connections]   (figures go in docs/benchmarks.md, "Gateway")
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
connections="${2:-64}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { echo "wrk not installed (apt-get install wrk)" >&2; exit 1; }; }
swift build -c release --product buraq-gateway >/dev/null
work="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
redis_port="$(free_port)"
gateway_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
.build/release/buraq-gateway --redis-url "redis://127.0.0.1:$redis_port" --host 127.0.0.1 --port "$gateway_port" \
  --allow-anonymous-writes --log-level warning > "$work/gateway.log" 2>&1 &
gateway_pid=$!
cleanup() { kill "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true
            kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$gateway_port/v1/queues/bench/tasks"
echo "==> warm-up (3 s)"
wrk -t2 -c"$connections" -d3s -s hack/bench/gateway-enqueue.lua "$url" >/dev/null
redis-cli -p "$redis_port" del 'buraq:{bench}:stream' >/dev/null
echo "==> wrk -t2 -c$connections -d${seconds}s -s hack/bench/gateway-enqueue.lua $url"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s hack/bench/gateway-enqueue.lua "$url"
echo "tasks in the stream: $(redis-cli -p "$redis_port" xlen 'buraq:{bench}:stream')"
