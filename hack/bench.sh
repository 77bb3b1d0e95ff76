#!/usr/bin/env bash
# Builds in release mode, starts a private redis-server on a free port, runs `buraq bench`, stops
# the server by PID. Extra arguments go to `buraq bench` (e.g. --tasks 200000 --phases enqueue).
# `hack/bench.sh controller [ARGS]` runs `buraq-controller bench` instead (reaction time, CPU and
# RSS with 1,000 TaskQueues).
# `hack/bench.sh controller-kube [--task-queues 1000] [--seconds 60] [--warmup 10] [--reaction-runs 5]
# [--reaction-tasks 500] [--reaction-timeout 120] [--backlog-every 3] [--backlog 100] [CONTROLLER_ARGS]`
# measures the controller in Kubernetes mode: the controller as the image ships it against a release
# `buraq-fake-apiserver` preloaded with the TaskQueue CRD, N Deployments w-i and N TaskQueues q-i
# (queue kq-i; every 3rd holds 100 tasks). After the warm-up it prints polls/s, CPU, RSS and the
# API requests by kind (GET /fake/requests) over the window, then the time from a burst's first
# task to its Deployment's spec.replicas change. Other arguments go to the controller, e.g.
# --kube-api-qps 5000 --kube-api-burst 5000 (hack/bench/controller-kube.py does the objects and
# the measuring).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
if [ "$mode" = "controller-kube" ]; then
  # Only what this mode runs: the image's controller, the fake API server and the buraq CLI.
  command -v redis-server >/dev/null || { echo "redis-server not found: run hack/setup.sh" >&2; exit 1; }
  swift build -c release --product buraq-fake-apiserver >/dev/null
  swift build -c release --product buraq >/dev/null
else
  bash hack/setup.sh release >/dev/null
fi
# free_port, $dir, and every PID in `pids` stopped on exit.
source hack/lib/processes.sh
port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -p "$port" ping >/dev/null 2>&1 || { echo "redis-server did not start:" >&2; tail -5 "$dir/redis.log" >&2; exit 1; }
echo "redis-server $(redis-server --version | awk '{print $3}') on port $port (pid $redis_pid)"
if [ "$mode" = "controller" ] || [ "$mode" = "controller-kube" ]; then
  # The controller is measured as its image ships it (images/buraq-controller/Dockerfile, same
  # flags; hack/deploy-tests checks that they match): Swift runtime linked statically, packed
  # relative relocations, no exported symbols, functions laid out by images/buraq-controller/text-order.txt.
  # Its own scratch path keeps .build/release intact.
  image_flags=(-c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xswiftc -Xfrontend -Xswiftc -function-sections -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic -Xlinker --symbol-ordering-file=images/buraq-controller/text-order.txt -Xlinker --no-warn-symbol-ordering -Xlinker -T -Xlinker images/buraq-controller/private-text.ld)
  # The image's environment (its Dockerfile's ENV lines).
  image_env=(GNUTLS_NO_IMPLICIT_INIT=1)
  # The ordering file is no build input SwiftPM tracks: remove the binary so that it is linked again.
  rm -f .build/image/release/buraq-controller
  swift build "${image_flags[@]}" --scratch-path .build/image --product buraq-controller >/dev/null
fi
if [ "$mode" = "controller" ]; then
  shift
  env "${image_env[@]}" .build/image/release/buraq-controller bench --redis-url "redis://127.0.0.1:$port" "$@"
elif [ "$mode" = "controller-kube" ]; then
  shift
  command_line="bash hack/bench.sh controller-kube${*:+ $*}"
  task_queues=1000 seconds=60 warmup=10 runs=5 tasks=500 timeout=120 every=3 backlog=100 controller_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --task-queues) task_queues=$2; shift 2 ;;
      --seconds) seconds=$2; shift 2 ;;
      --warmup) warmup=$2; shift 2 ;;
      --reaction-runs) runs=$2; shift 2 ;;
      --reaction-tasks) tasks=$2; shift 2 ;;
      --reaction-timeout) timeout=$2; shift 2 ;;
      --backlog-every) every=$2; shift 2 ;;
      --backlog) backlog=$2; shift 2 ;;
      *) controller_args+=("$1"); shift ;;
    esac
  done
  kube=hack/bench/controller-kube.py
  redis_url="redis://127.0.0.1:$port"
  loaded=$(python3 "$kube" objects --crd manifests/crd/taskqueues.buraq.dev.yaml --out "$dir" \
    --task-queues "$task_queues" --redis-port "$port" --backlog-every "$every" --backlog "$backlog")
  for queue in $loaded; do
    .build/release/buraq enqueue noop --count "$backlog" --quiet --queue "$queue" --redis-url "$redis_url" >/dev/null
  done
  echo "$task_queues TaskQueues and Deployments; $(wc -w <<<"$loaded") queues hold $backlog tasks"
  .build/release/buraq-fake-apiserver --simulate-deployments --bookmark-interval 60 --preload "$dir/crd.json" \
    --preload "$dir/objects.json" --write-kubeconfig "$dir/kubeconfig" >"$dir/apiserver.log" 2>&1 &
  apiserver_pid=$!
  pids+=("$apiserver_pid")
  for _ in $(seq 300); do
    grep -q '^Listening on ' "$dir/apiserver.log" && break
    kill -0 "$apiserver_pid" 2>/dev/null || break
    sleep 0.1
  done
  api_url=$(sed -n 's/^Listening on //p' "$dir/apiserver.log")
  if [ -z "$api_url" ]; then
    echo "buraq-fake-apiserver did not start:" >&2; tail -20 "$dir/apiserver.log" >&2; exit 1
  fi
  echo "buraq-fake-apiserver on $api_url (pid $apiserver_pid)"
  metrics_port=$(free_port)
  env "${image_env[@]}" .build/image/release/buraq-controller --kubeconfig "$dir/kubeconfig" --redis-url "$redis_url" \
    --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address 0 "${controller_args[@]}" \
    >"$dir/controller.log" 2>&1 &
  controller_pid=$!
  pids+=("$controller_pid")
  echo "buraq-controller${controller_args[*]:+ ${controller_args[*]}} (pid $controller_pid); warm-up ${warmup} s, window ${seconds} s"
  if ! python3 "$kube" measure --controller-pid "$controller_pid" --apiserver-pid "$apiserver_pid" \
    --redis-port "$port" --task-queues "$task_queues" --metrics-url "http://127.0.0.1:$metrics_port/metrics" \
    --api-url "$api_url" --buraq .build/release/buraq --command="$command_line" \
    --controller-args="${controller_args[*]}" --warmup "$warmup" --seconds "$seconds" --backlog-every "$every" \
    --backlog "$backlog" --reaction-runs "$runs" --reaction-tasks "$tasks" --reaction-timeout "$timeout"; then
    echo "--- controller log (last 20 lines)" >&2; tail -20 "$dir/controller.log" >&2
    echo "--- fake API server log (last 5 lines)" >&2; tail -5 "$dir/apiserver.log" >&2
    exit 1
  fi
else
  .build/release/buraq bench --redis-url "redis://127.0.0.1:$port" "$@"
fi
