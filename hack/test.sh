#!/usr/bin/env bash
# Sets up a fresh Debian machine (apt packages, build) and runs every test.
# Tests that need Redis start their own redis-server on a free port and stop it by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh debug
echo "==> swift build --build-tests"
swift build --build-tests
# The dashboard's browser test needs Chromium; without it (or without apt) that test is skipped.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing chromium (dashboard browser test)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "chromium could not be installed: the dashboard browser test will be skipped"
fi
echo "==> swift test"
# Swift tests first, then the deployment checks (docs/kubernetes-client.md, "A flake, found and
# fixed", tells why two informer tests used to fail after them).
swift test --skip-build "$@"
echo "==> deployment checks: manifests, chart, Dockerfiles, docs (hack/deploy-tests)"
bash hack/deploy-tools.sh
python3 -m pytest -q -p no:cacheprovider hack/deploy-tests
