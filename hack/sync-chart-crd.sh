#!/usr/bin/env bash
# Copies the CRD from manifests/crd/ (the source of truth) into the Helm chart's crds/ folder.
# hack/deploy-tests/test_chart.py fails while the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p charts/buraq/crds
rm -f charts/buraq/crds/*.yaml
cp manifests/crd/*.yaml charts/buraq/crds/
echo "Copied $(ls manifests/crd/*.yaml | wc -l) CRD file(s) into charts/buraq/crds/"
