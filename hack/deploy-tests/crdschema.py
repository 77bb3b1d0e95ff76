"""Validates custom resources against a CRD's structural schema the way the API server does on
create: defaults are applied, unknown fields are errors (kubectl's default --validate=strict), the
OpenAPI keywords a CRD may use are checked, and every x-kubernetes-validations rule is evaluated
with CEL (cel-python). Transition rules (those that read `oldSelf`) only apply to updates and are
skipped here. A rule using a function cel-python does not know fails loudly, never silently passes.
"""
import copy
import datetime
import re

import celpy


class SchemaError(Exception):
    pass


def crd_schema(crd, version=None):
    """openAPIV3Schema of the served version (or the named one)."""
    for v in crd["spec"]["versions"]:
        if (version is None and v.get("served", True) and v.get("storage")) or v["name"] == version:
            return v["schema"]["openAPIV3Schema"]
    raise SchemaError(f"no version {version!r} in CRD {crd['metadata']['name']}")


def apply_defaults(value, schema):
    """Structural defaulting: a missing property with a `default` gets it, then defaulting
    continues inside it."""
    if isinstance(value, dict):
        for name, prop in schema.get("properties", {}).items():
            if name not in value and "default" in prop:
                value[name] = copy.deepcopy(prop["default"])
            if name in value:
                apply_defaults(value[name], prop)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name in value:
                if name not in schema.get("properties", {}):
                    apply_defaults(value[name], extra)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(item, schema["items"])
    return value


def _type_ok(value, schema):
    if value is None:
        return schema.get("nullable", False)
    if schema.get("x-kubernetes-int-or-string"):
        return isinstance(value, (int, str)) and not isinstance(value, bool)
    t = schema.get("type")
    return {
        None: True,
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }[t]


def _check_keywords(value, schema, path, errors):
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: Unsupported value: {value!r}: supported values: {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and (value < schema["minimum"] or (schema.get("exclusiveMinimum") and value == schema["minimum"])):
            errors.append(f"{path}: Invalid value: {value}: must be greater than or equal to {schema['minimum']}")
        if "maximum" in schema and (value > schema["maximum"] or (schema.get("exclusiveMaximum") and value == schema["maximum"])):
            errors.append(f"{path}: Invalid value: {value}: must be less than or equal to {schema['maximum']}")
        if "multipleOf" in schema and value % schema["multipleOf"] != 0:
            errors.append(f"{path}: Invalid value: {value}: must be a multiple of {schema['multipleOf']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path}: Invalid value: {value!r}: should be at least {schema['minLength']} chars long")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: Too long: may not be more than {schema['maxLength']} bytes")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: Invalid value: {value!r}: should match '{schema['pattern']}'")
        if schema.get("format") == "date-time":
            try:
                datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                errors.append(f"{path}: Invalid value: {value!r}: must be a date-time")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: Invalid value: should have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: Too many: {len(value)}: must have at most {schema['maxItems']} items")
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "set" and len({repr(v) for v in value}) != len(value):
            errors.append(f"{path}: Duplicate value in a list of type set")
        if list_type == "map":
            keys = [tuple(item.get(k) for k in schema.get("x-kubernetes-list-map-keys", [])) for item in value if isinstance(item, dict)]
            if len(set(keys)) != len(keys):
                errors.append(f"{path}: Duplicate value: list-map keys {schema.get('x-kubernetes-list-map-keys')} must be unique")
    if isinstance(value, dict):
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            errors.append(f"{path}: should have at least {schema['minProperties']} properties")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            errors.append(f"{path}: should have at most {schema['maxProperties']} properties")


def _is_transition_rule(rule):
    return re.search(r"\boldSelf\b", rule) is not None


def _cel(rule, value):
    env = celpy.Environment()
    try:
        program = env.program(env.compile(rule))
        result = program.evaluate({"self": celpy.json_to_cel(value)})
    except celpy.CELEvalError as error:  # raised by some versions, returned by others
        result = error
    except Exception as error:  # a parse error or an unknown function: the rule is not checked
        raise SchemaError(f"CEL rule {rule!r} could not be evaluated: {error}")
    return result


def _check_cel(value, schema, path, errors, skipped):
    for validation in schema.get("x-kubernetes-validations", []):
        rule = validation["rule"]
        if _is_transition_rule(rule):
            skipped.append(f"{path}: transition rule {rule!r} (update only)")
            continue
        result = _cel(rule, value)
        if isinstance(result, celpy.CELEvalError):
            # The API server reports an evaluation error as a failure of the rule.
            errors.append(f"{path}: Invalid value: rule {rule!r} failed to evaluate: {result}")
        elif result is not True and not (isinstance(result, celpy.celtypes.BoolType) and bool(result)):
            message = validation.get("message") or f"failed rule: {rule}"
            if "messageExpression" in validation:
                produced = _cel(validation["messageExpression"], value)
                if isinstance(produced, celpy.celtypes.StringType):
                    message = str(produced)
            where = path + validation.get("fieldPath", "")
            errors.append(f"{where}: Invalid value: {message}")


def validate(value, schema, path="", errors=None, skipped=None, root=True):
    """Returns (errors, skipped rules) for value (already defaulted) against schema."""
    errors = [] if errors is None else errors
    skipped = [] if skipped is None else skipped
    if not _type_ok(value, schema):
        errors.append(f"{path or '<root>'}: Invalid value: {value!r}: must be of type {schema.get('type')}")
        return errors, skipped
    if value is None:
        return errors, skipped
    _check_keywords(value, schema, path or "<root>", errors)
    for junctor in ("allOf", "anyOf", "oneOf"):
        if junctor in schema:
            results = [not validate(value, s, path, [], [], root=False)[0] for s in schema[junctor]]
            ok = {"allOf": all(results), "anyOf": any(results), "oneOf": sum(results) == 1}[junctor]
            if not ok:
                errors.append(f"{path or '<root>'}: must validate {junctor} of its schemas")
    if "not" in schema and not validate(value, schema["not"], path, [], [], root=False)[0]:
        errors.append(f"{path or '<root>'}: must not validate the schema in 'not'")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}.{name}: Required value" if path else f"{name}: Required value")
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            child = f"{path}.{name}" if path else name
            if root and name in ("apiVersion", "kind"):
                continue
            if root and name == "metadata":
                _check_metadata(item, errors)
                continue
            if name in properties:
                validate(item, properties[name], child, errors, skipped, root=False)
            elif isinstance(extra, dict):
                validate(item, extra, child, errors, skipped, root=False)
            elif extra is True or schema.get("x-kubernetes-preserve-unknown-fields"):
                continue
            else:
                errors.append(f'{child}: unknown field "{name}"')
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{path}[{i}]", errors, skipped, root=False)
    _check_cel(value, schema, path or "<root>", errors, skipped)
    return errors, skipped


DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _check_metadata(metadata, errors):
    name = (metadata or {}).get("name", "")
    if not name or len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        errors.append(f"metadata.name: Invalid value: {name!r}: a lowercase RFC 1123 subdomain is required")


def check_resource(obj, crd):
    """Defaults then validates obj, a custom resource of crd. Returns (defaulted, errors, skipped)."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    api_group, _, version = obj.get("apiVersion", "").partition("/")
    if api_group != group or obj.get("kind") != kind:
        return obj, [f"not a {kind}.{group}: {obj.get('apiVersion')} {obj.get('kind')}"], []
    versions = {v["name"]: v for v in crd["spec"]["versions"]}
    if version not in versions or not versions[version].get("served", True):
        return obj, [f"version {version} of {kind} is not served"], []
    schema = crd_schema(crd, version)
    defaulted = apply_defaults(copy.deepcopy(obj), schema)
    errors, skipped = validate(defaulted, schema)
    return defaulted, errors, skipped
