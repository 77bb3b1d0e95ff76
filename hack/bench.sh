#!/usr/bin/env bash
# Builds in release mode, starts a private redis-server on a free port, runs `buraq bench`, stops
# the server by PID. Extra arguments go to `buraq bench` (e.g. --tasks 200000 --phases enqueue).
# `hack/bench.sh controller [ARGS]` runs `buraq-controller bench` instead (reaction time, CPU and
# RSS with 1,000 TaskQueues).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh release >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
echo "redis-server $(redis-server --version | awk '{print $3}') on port $port (pid $redis_pid)"
if [ "${1:-}" = "controller" ]; then
  shift
  # The controller is measured as its image ships it (images/buraq-controller/Dockerfile, same
  # flags; hack/deploy-tests checks that they match): Swift runtime linked statically, packed
  # relative relocations, no exported symbols. Its own scratch path keeps .build/release intact.
  image_flags=(-c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic)
  swift build "${image_flags[@]}" --scratch-path .build/image --product buraq-controller >/dev/null
  .build/image/release/buraq-controller bench --redis-url "redis://127.0.0.1:$port" "$@"
else
  .build/release/buraq bench --redis-url "redis://127.0.0.1:$port" "$@"
fi
