#!/usr/bin/env bash
# Regenerates images/buraq-controller/text-order.txt, the order in which the image's linker lays
# out the controller's functions (--symbol-ordering-file; see docs/benchmarks.md, "Memory").
#
# `hack/text-order.sh [TASK_QUEUES] [SECONDS] [ROUNDS]` (defaults 1000, 120 and 3): builds the
# controller with the image's flags, runs it under valgrind's callgrind in Kubernetes mode against
# a private redis-server and buraq-fake-apiserver (TASK_QUEUES TaskQueues, every 3rd with a
# backlog; a burst into an idle queue and its removal, so both scaling paths run; /metrics,
# /healthz and /readyz scraped), stops it with SIGTERM (the shutdown path runs too) and writes
# every function it ran, hottest first (hack/bench/text-order.py). Then ROUNDS times: links with
# that order, runs the controller for 45 s under `perf record -e page-faults` and appends the
# functions whose first instruction fetch still faulted text in outside the listed ones.
# Needs valgrind and perf (apt-get install -y valgrind linux-perf). Everything it starts is
# stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
task_queues="${1:-1000}"
seconds="${2:-120}"
rounds="${3:-3}"
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf not found: apt-get install -y linux-perf" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server not found: run hack/setup.sh" >&2; exit 1; }
# free_port, $dir, and every PID in `pids` stopped on exit.
source hack/lib/processes.sh

# The image's environment (its Dockerfile's ENV lines), as hack/bench.sh runs the controller.
image_env=(GNUTLS_NO_IMPLICIT_INIT=1)
# The same flags as hack/bench.sh and the Dockerfile, plus a link map (which library section
# holds which function).
image_flags=(-c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xswiftc -Xfrontend -Xswiftc -function-sections -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic -Xlinker --symbol-ordering-file=images/buraq-controller/text-order.txt -Xlinker --no-warn-symbol-ordering -Xlinker -T -Xlinker images/buraq-controller/private-text.ld)
swift build "${image_flags[@]}" -Xlinker "-Map=$dir/link.map" --scratch-path .build/image --product buraq-controller >/dev/null
swift build -c release --product buraq-fake-apiserver >/dev/null
swift build -c release --product buraq >/dev/null
# valgrind cannot read the DWARF that swiftc and lld write; the symbol table is enough.
mkdir "$dir/bin"
strip --strip-debug -o "$dir/bin/buraq-controller" .build/image/release/buraq-controller

port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis_url="redis://127.0.0.1:$port"
loaded=$(python3 hack/bench/controller-kube.py objects --crd manifests/crd/taskqueues.buraq.dev.yaml --out "$dir" \
  --task-queues "$task_queues" --redis-port "$port" --backlog-every 3 --backlog 100)
for queue in $loaded; do
  .build/release/buraq enqueue noop --count 100 --quiet --queue "$queue" --redis-url "$redis_url" >/dev/null
done
.build/release/buraq-fake-apiserver --simulate-deployments --preload "$dir/crd.json" --preload "$dir/objects.json" \
  --write-kubeconfig "$dir/kubeconfig" >"$dir/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q '^Listening on ' "$dir/apiserver.log" && break; sleep 0.1; done

metrics_port=$(free_port)
probe_port=$(free_port)
env "${image_env[@]}" valgrind --tool=callgrind --demangle=no --dump-instr=no --callgrind-out-file="$dir/callgrind.out" \
  "$dir/bin/buraq-controller" --kubeconfig "$dir/kubeconfig" --redis-url "$redis_url" \
  --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address "127.0.0.1:$probe_port" \
  >"$dir/controller.log" 2>&1 &
controller_pid=$!
pids+=("$controller_pid")
echo "Profiling the controller (pid $controller_pid) with $task_queues TaskQueues for $seconds s"
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$probe_port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
idle=$(python3 -c "print(next(i for i in range($task_queues) if i % 3 != 0))")
for ((t = 0; t < seconds; t += 10)); do
  curl -s "http://127.0.0.1:$metrics_port/metrics" >/dev/null || true
  curl -s "http://127.0.0.1:$probe_port/healthz" >/dev/null || true
  curl -s "http://127.0.0.1:$probe_port/readyz" >/dev/null || true
  if [ "$t" -eq 10 ]; then
    .build/release/buraq enqueue noop --count 500 --quiet --queue "kq-$idle" --redis-url "$redis_url" >/dev/null
  elif [ "$t" -eq $((seconds / 2 / 10 * 10)) ]; then
    # Everything read at once: the backlog drops to zero and the scale-down path runs.
    redis-cli -p "$port" XGROUP SETID "buraq:{kq-$idle}:stream" buraq '$' >/dev/null
  fi
  sleep 10
done
kill -TERM "$controller_pid"
wait "$controller_pid" || true
grep -c "level=" "$dir/controller.log" | xargs echo "controller log lines:"
python3 hack/bench/text-order.py --callgrind "$dir/callgrind.out" --binary "$dir/bin/buraq-controller" \
  --map "$dir/link.map" --out images/buraq-controller/text-order.txt

for ((round = 1; round <= rounds; round++)); do
  # The ordering file is no build input SwiftPM tracks: remove the binary so that it is linked again.
  rm -f .build/image/release/buraq-controller
  swift build "${image_flags[@]}" --scratch-path .build/image --product buraq-controller >/dev/null
  perf record -q -e page-faults -c 1 -d -o "$dir/faults.data" env "${image_env[@]}" .build/image/release/buraq-controller \
    --kubeconfig "$dir/kubeconfig" --redis-url "$redis_url" --metrics-bind-address "127.0.0.1:$metrics_port" \
    --health-probe-bind-address "127.0.0.1:$probe_port" >"$dir/controller.log" 2>&1 &
  perf_pid=$!
  pids+=("$perf_pid")
  sleep 40
  curl -s "http://127.0.0.1:$metrics_port/metrics" >/dev/null || true
  curl -s "http://127.0.0.1:$probe_port/readyz" >/dev/null || true
  sleep 5
  # perf's child is the controller: SIGTERM to it, and perf ends when it exits.
  controller_pid=$(ps -o pid= --ppid "$perf_pid" | tr -d ' ')
  kill -TERM "$controller_pid"
  wait "$perf_pid" || true
  perf script -i "$dir/faults.data" -F ip,sym,symoff,addr,dso --no-demangle >"$dir/faults.txt" 2>/dev/null
  echo -n "round $round: "
  python3 hack/bench/text-order.py --faults "$dir/faults.txt" --binary .build/image/release/buraq-controller \
    --out images/buraq-controller/text-order.txt
done
rm -f .build/image/release/buraq-controller
