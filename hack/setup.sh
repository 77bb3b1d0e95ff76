#!/usr/bin/env bash
# Installs what Buraq needs on a fresh Debian machine (as root) and builds it.
# Usage: hack/setup.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-debug}"

need=()
for pkg in libhiredis-dev libcurl4-openssl-dev libyaml-dev redis-server pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> Installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "swift not found on PATH (expected Swift 6.1 or later)" >&2; exit 1; }
echo "==> swift build -c $config"
swift build -c "$config"
