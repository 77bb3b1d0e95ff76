#!/usr/bin/env bash
# The main job on one machine: set up, build, start a private redis-server on a free port, run
# buraq-worker processes through a burst of tasks while printing the queue's depth, then stop
# everything by PID. (The controller's local mode takes this over once it lands.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh release
bin=.build/release
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
redis-server --port "$port" --bind 127.0.0.1 --save "" --dir "$dir" --logfile "$dir/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
export REDIS_URL="redis://127.0.0.1:$port" BURAQ_QUEUE=demo
echo "==> redis-server on port $port; enqueueing a burst: 20000 tasks (sleep 5 ms each) + 10 that fail"
$bin/buraq enqueue sleep 5 --count 20000 --quiet
$bin/buraq enqueue fail 1 --count 10 --quiet
for i in 1 2; do
  $bin/buraq-worker --consumer "demo-worker-$i" --concurrency 64 --max-retries 2 --retry-base-ms 200 2>"$dir/worker-$i.log" &
  pids+=($!)
done
echo "==> 2 workers x 64 concurrent handlers"
$bin/buraq stats | head -1
for _ in $(seq 60); do
  line=$($bin/buraq stats | tail -1)
  echo "$line"
  set -- $line
  if [ "$5" = "0" ] && [ "$6" = "0" ]; then break; fi
  sleep 1
done
echo "==> drained; dead letters (the 'fail' tasks after 2 retries):"
redis-cli -p "$port" XLEN 'buraq:{demo}:dlq'
echo "==> stopping workers with SIGTERM"
for p in "${pids[@]:1}"; do kill -TERM "$p"; done
for p in "${pids[@]:1}"; do wait "$p"; done
pids=("${pids[0]}")
grep -h "Stopped worker" "$dir"/worker-*.log
