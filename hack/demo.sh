#!/usr/bin/env bash
# The main job on one machine: set up and build, start a private redis-server on a free port, run
# buraq-controller in local mode with manifests/local/demo.yaml, enqueue a burst, and show the
# backlog and the worker count going up and back down to zero. Stops everything by PID and
# exits by itself (about 30 s after the build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh release
bin=.build/release
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); metrics_port=$(free_port); probe_port=$(free_port)
dir=$(mktemp -d)
redis_pid=""; controller_pid=""
cleanup() {
  [ -n "$controller_pid" ] && kill -TERM "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# GET http://127.0.0.1:PORT/PATH with bash's /dev/tcp (no curl needed); prints the body.
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}
# The value of one series in a /metrics text, 0 when absent.
series() { awk -v name="$1" '$1 ~ "^"name"\\{" { print $2; found=1 } END { if (!found) print 0 }' <<<"$2" | sed -n 1p; }
bar() { local n=$1 scale=$2 out=""; local width=$(( (n + scale - 1) / scale )); [ "$width" -gt 40 ] && width=40; for ((i = 0; i < width; i++)); do out+="#"; done; printf '%s' "$out"; }

redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
redis_pid=$!
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
export REDIS_URL="redis://127.0.0.1:$port"

"$bin/buraq-controller" --local manifests/local/demo.yaml --redis-url "$REDIS_URL" \
  --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address "127.0.0.1:$probe_port" \
  --worker-concurrency 16 --worker-log-dir "$dir/workers" 2>"$dir/controller.log" &
controller_pid=$!
for _ in $(seq 100); do [ "$(http_get "$probe_port" /readyz 2>/dev/null)" = "ok" ] && break; sleep 0.1; done
echo "==> redis-server on port $port; buraq-controller (pid $controller_pid) in local mode with manifests/local/demo.yaml"
echo "    TaskQueue 'demo': 1 worker per 1,000 queued tasks, 0 to 4 workers, scale to zero after 5 s idle"
echo "==> burst: 20,000 tasks that sleep 5 ms, and 10 that always fail (2 retries, then the dead-letter queue)"
"$bin/buraq" enqueue sleep 5 --queue demo --count 20000 --quiet
"$bin/buraq" enqueue fail 1 --queue demo --count 10 --quiet
start=$(date +%s.%N)
printf '%7s  %-8s %-42s %-9s %s\n' "time" "backlog" "" "workers" ""
went_up=0
for _ in $(seq 240); do
  text=$(http_get "$metrics_port" /metrics 2>/dev/null || true)
  backlog=$(series buraq_controller_queue_backlog "$text")
  replicas=$(series buraq_controller_queue_replicas "$text")
  scheduled=$(series buraq_controller_queue_scheduled "$text")
  elapsed=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1fs", n - s }')
  printf '%7s  %-8s %-42s %-9s %s\n' "$elapsed" "$backlog" "$(bar "$backlog" 500)" "$replicas" "$(bar "$replicas" 1)"
  [ "$replicas" -gt 0 ] && went_up=1
  if [ "$went_up" = 1 ] && [ "$replicas" = 0 ] && [ "$backlog" = 0 ] && [ "$scheduled" = 0 ]; then break; fi
  sleep 0.5
done
echo "==> the controller's scaling decisions (one log line each, every number behind it in the full line):"
grep 'msg="Scaled workers"' "$dir/controller.log" | sed -E 's/.*detail="([^"]*)".*/    \1/'
echo "==> dead letters (the 'fail' tasks after 2 retries): $(redis-cli -p "$port" XLEN 'buraq:{demo}:dlq')"
echo "==> stopping the controller with SIGTERM (it drains any workers left)"
kill -TERM "$controller_pid"
wait "$controller_pid"
controller_pid=""
grep -h 'msg="Stopped all workers"' "$dir/controller.log" | sed -E 's/^ts=[^ ]+ level=[a-z]+ /    /'
