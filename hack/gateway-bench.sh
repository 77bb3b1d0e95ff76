#!/usr/bin/env bash
# Load test of buraq-gateway's enqueue endpoint with wrk (Debian package), on loopback only:
# a private redis-server and the gateway (release build) on free ports, wrk over keep-alive.
# Usage: [GATEWAY_ARGS="--event-loops 1"] hack/gateway-bench.sh [seconds] [connections]
# (figures go in docs/benchmarks.md, "Gateway")
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
  --allow-anonymous-writes --log-level warning ${GATEWAY_ARGS:-} > "$work/gateway.log" 2>&1 &
gateway_pid=$!
cleanup() { kill "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true
            kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$gateway_port/v1/queues/bench/tasks"
echo "==> warm-up (3 s)"
wrk -t2 -c"$connections" -d3s -s hack/bench/gateway-enqueue.lua "$url" >/dev/null
redis-cli -p "$redis_port" del 'buraq:{bench}:stream' >/dev/null
# CPU seconds (user + system) a process has used, from /proc: on a shared machine this is the
# figure that does not depend on the neighbours' load.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
gateway_before="$(cpu "$gateway_pid")"; redis_before="$(cpu "$redis_pid")"
echo "==> wrk -t2 -c$connections -d${seconds}s -s hack/bench/gateway-enqueue.lua $url   (load average $(cut -d' ' -f1-3 /proc/loadavg))"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s hack/bench/gateway-enqueue.lua "$url" | tee "$work/wrk.txt"
tasks="$(redis-cli -p "$redis_port" xlen 'buraq:{bench}:stream')"
gateway_cpu="$(awk -v a="$gateway_before" -v b="$(cpu "$gateway_pid")" 'BEGIN { printf "%.2f", b - a }')"
redis_cpu="$(awk -v a="$redis_before" -v b="$(cpu "$redis_pid")" 'BEGIN { printf "%.2f", b - a }')"
echo "tasks in the stream: $tasks"
awk -v g="$gateway_cpu" -v r="$redis_cpu" -v n="$tasks" 'BEGIN {
  printf "CPU: gateway %.2f s, redis-server %.2f s = %.1f us (gateway) + %.1f us (redis) per task\n", g, r, g / n * 1e6, r / n * 1e6
  printf "capacity of 2 cores at that cost, load generator excluded: %.0f tasks/s\n", 2 / ((g + r) / n) }'
