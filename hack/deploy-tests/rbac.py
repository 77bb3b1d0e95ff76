"""Kubernetes RBAC authorization for recorded API requests: request attributes from a method and
a path (as the API server derives them), and rule matching (as the RBAC authorizer does)."""
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Attributes:
    verb: str
    group: str
    resource: str          # "deployments/scale" for a subresource
    namespace: str         # "" for cluster-wide
    name: str              # "" for collections

    def __str__(self):
        where = f" in {self.namespace}" if self.namespace else " cluster-wide"
        group = self.group or "core"
        return f"{self.verb} {group}/{self.resource}{'/' + self.name if self.name else ''}{where}"


def attributes(method, path):
    """Request attributes of one API request, or None for a non-resource URL (discovery,
    /version, /healthz), which every authenticated client may read."""
    url = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(url.query)
    parts = [p for p in url.path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 2:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, rest = parts[1], parts[3:]
    else:
        return None
    if not rest:
        return None  # discovery of a group version
    namespace = ""
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    elif rest[0] == "namespaces":  # the namespaces resource itself
        pass
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else ""
    if len(rest) >= 3:
        resource = f"{resource}/{rest[2]}"
    watching = query.get("watch", ["false"])[0] in ("true", "1")
    verb = {
        "GET": "watch" if watching else ("get" if name else "list"),
        "HEAD": "get" if name else "list",
        "POST": "create",
        "PUT": "update",
        "PATCH": "patch",
        "DELETE": "delete" if name else "deletecollection",
    }[method]
    return Attributes(verb, group, resource, namespace, name)


def _matches(values, wanted):
    return "*" in values or wanted in values


def allows(rule, attrs):
    if not _matches(rule.get("apiGroups", []), attrs.group):
        return False
    if not _matches(rule.get("resources", []), attrs.resource):
        return False
    if not _matches(rule.get("verbs", []), attrs.verb):
        return False
    names = rule.get("resourceNames") or []
    return not names or attrs.name in names


def grants(objects, subject_namespace, subject_name):
    """[(namespace or "" for cluster-wide, rule)] that the ServiceAccount gets from these RBAC objects."""
    roles = {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o
             for o in objects if o["kind"] in ("Role", "ClusterRole")}
    result = []
    for binding in objects:
        if binding["kind"] not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        if not any(s["kind"] == "ServiceAccount" and s["name"] == subject_name and s.get("namespace") == subject_namespace
                   for s in binding.get("subjects", [])):
            continue
        ref = binding["roleRef"]
        scope = binding["metadata"].get("namespace", "") if binding["kind"] == "RoleBinding" else ""
        role_ns = scope if ref["kind"] == "Role" else ""
        role = roles.get((ref["kind"], role_ns, ref["name"]))
        if role is None:
            raise AssertionError(f"{binding['kind']} {binding['metadata']['name']} refers to missing {ref['kind']} {ref['name']}")
        result += [(scope, rule) for rule in role.get("rules", [])]
    return result


def authorize(granted, attrs):
    """The (namespace, rule, verb) pairs that allow attrs; empty when forbidden."""
    return [(scope, i, attrs.verb) for i, (scope, rule) in enumerate(granted)
            if (scope == "" or scope == attrs.namespace) and allows(rule, attrs)]
