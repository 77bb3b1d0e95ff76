"""TaskQueues in manifests/ validate against the CRD's schema, defaults and CEL rules."""
import copy
import os

import pytest
import yaml

celpy = pytest.importorskip("celpy", reason="cel-python not installed: run `bash hack/deploy-tools.sh` (PyPI cel-python)")

from conftest import example_files, load_all, quickstart_files, require_crd  # noqa: E402
from crdschema import check_resource, crd_schema  # noqa: E402

# A small CRD that exercises the validator itself, independent of the real one.
TOY_CRD = yaml.safe_load("""
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: toys.example.dev}
spec:
  group: example.dev
  names: {kind: Toy, plural: toys}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [name]
            x-kubernetes-validations:
            - rule: "self.minReplicas <= self.maxReplicas"
              message: "`minReplicas` must be less than or equal to `maxReplicas`"
            - rule: "self.name == oldSelf.name"
              message: "`name` is immutable"
            properties:
              name: {type: string, maxLength: 8, pattern: "^[a-z]+$"}
              minReplicas: {type: integer, minimum: 0, default: 1}
              maxReplicas: {type: integer, minimum: 1, default: 10}
              mode: {type: string, enum: [fast, slow], default: fast}
              tags:
                type: array
                maxItems: 2
                items: {type: string}
                x-kubernetes-validations:
                - rule: "self.all(t, t.size() <= 3)"
                  message: "every tag must be at most 3 characters"
""")


def toy(spec):
    return {"apiVersion": "example.dev/v1", "kind": "Toy", "metadata": {"name": "t"}, "spec": spec}


def test_validator_applies_defaults_and_passes_a_good_object():
    defaulted, errors, skipped = check_resource(toy({"name": "abc", "tags": ["a"]}), TOY_CRD)
    assert errors == []
    assert defaulted["spec"] == {"name": "abc", "tags": ["a"], "minReplicas": 1, "maxReplicas": 10, "mode": "fast"}
    assert len(skipped) == 1 and "oldSelf" in skipped[0]


@pytest.mark.parametrize("spec, expected", [
    ({"name": "abc", "minReplicas": 5, "maxReplicas": 2}, "`minReplicas` must be less than or equal to `maxReplicas`"),
    ({"name": "abc", "minReplicas": 20}, "`minReplicas` must be less than or equal to `maxReplicas`"),  # against a default
    ({"name": "abc", "tags": ["long-tag"]}, "every tag must be at most 3 characters"),
    ({"name": "abc", "tags": ["a", "b", "c"]}, "must have at most 2 items"),
    ({"name": "ABC"}, "should match"),
    ({"name": "abc", "mode": "medium"}, "Unsupported value"),
    ({"name": "abc", "minReplicas": -1}, "greater than or equal to 0"),
    ({"name": "abc", "minReplicas": "1"}, "must be of type integer"),
    ({"name": "abc", "colour": "red"}, 'unknown field "colour"'),
    ({}, "spec.name: Required value"),
])
def test_validator_reports_what_the_api_server_would(spec, expected):
    _, errors, _ = check_resource(toy(spec), TOY_CRD)
    assert any(expected in e for e in errors), errors


def taskqueues():
    docs = [(path, d) for path in quickstart_files() + example_files() for d in load_all(path)]
    return [(path, d) for path, d in docs if d.get("kind") == "TaskQueue"]


def crd():
    with open(require_crd()) as f:
        return yaml.safe_load(f)


def cel_rules(schema, path="spec"):
    for v in schema.get("x-kubernetes-validations", []):
        yield path, v["rule"]
    for name, prop in schema.get("properties", {}).items():
        yield from cel_rules(prop, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from cel_rules(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from cel_rules(schema["additionalProperties"], f"{path}.*")


def test_every_cel_rule_of_the_crd_compiles():
    rules = list(cel_rules(crd_schema(crd())))
    assert rules, "the CRD has no x-kubernetes-validations rules"
    env = celpy.Environment()
    for path, rule in rules:
        env.compile(rule)  # raises on a syntax error


def test_every_taskqueue_in_manifests_validates():
    definition = crd()
    found = taskqueues()
    assert any("quickstart" in path for path, _ in found)
    for path, obj in found:
        if "/manifests/local/" in path and "redis" not in obj.get("spec", {}):
            # Local mode fills spec.redis from the controller's --redis-url (the demo's port is
            # chosen at run time); on a cluster the field is required, so check it as filled in.
            obj = {**obj, "spec": {**obj["spec"], "redis": {"address": "127.0.0.1:6379"}}}
        _, errors, _ = check_resource(obj, definition)
        if f"{os.sep}local{os.sep}" in path:
            # Local mode lets a file leave spec.redis out (the controller's --redis-url is used).
            errors = [e for e in errors if e != "spec.redis: Required value"]
        assert errors == [], f"{path}: {obj['metadata']['name']}: {errors}"


def test_the_crd_rejects_min_replicas_above_max():
    """The cross-field rule is a CEL rule the validator really evaluates."""
    definition = crd()
    path, obj = next((p, o) for p, o in taskqueues() if "quickstart" in p)
    bad = copy.deepcopy(obj)
    bad["spec"]["workers"]["minReplicas"] = 30
    bad["spec"]["workers"]["maxReplicas"] = 3
    _, errors, _ = check_resource(bad, definition)
    assert any("minReplicas" in e or "maxReplicas" in e for e in errors), errors


def test_the_crd_rejects_an_unknown_field():
    definition = crd()
    _, obj = next((p, o) for p, o in taskqueues() if "quickstart" in p)
    bad = copy.deepcopy(obj)
    bad["spec"]["workers"]["maxReplica"] = 3
    _, errors, _ = check_resource(bad, definition)
    assert any('unknown field "maxReplica"' in e for e in errors), errors
