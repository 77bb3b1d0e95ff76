"""README.md: the TaskQueue field reference matches the CRD; the two commands come first;
commands it shows point at files that exist."""
import importlib.util
import os
import re

from conftest import ROOT, require_crd

spec = importlib.util.spec_from_file_location("gen", os.path.join(ROOT, "hack", "gen-field-reference.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def readme():
    with open(os.path.join(ROOT, "README.md")) as f:
        return f.read()


def test_field_reference_matches_the_crd():
    import yaml
    with open(require_crd()) as f:
        crd = yaml.safe_load(f)
    assert gen.current_section(readme()) == gen.generated_section(crd), \
        "README.md's TaskQueue field reference is out of date: run python3 hack/gen-field-reference.py --write"


def test_field_reference_lists_every_spec_field():
    import yaml
    with open(require_crd()) as f:
        crd = yaml.safe_load(f)
    section = gen.current_section(readme())
    version = next(v for v in crd["spec"]["versions"] if v.get("storage"))
    for name in version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]:
        assert f"`spec.{name}`" in section


def test_the_two_commands_come_first():
    text = readme()
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert first_block.splitlines()[0].startswith("bash hack/demo.sh")
    assert first_block.splitlines()[1].startswith("bash hack/test.sh")
    assert text.index("bash hack/demo.sh") < text.index("## ")


def test_paths_named_in_the_readme_exist():
    text = readme()
    for path in sorted(set(re.findall(r"\b((?:manifests|charts|images|hack)/[\w./-]*\w)", text))):
        if "*" in path:
            continue
        assert os.path.exists(os.path.join(ROOT, path)) or path.startswith("manifests/crd") or path.startswith("manifests/examples"), \
            f"README.md names {path}, which does not exist"

