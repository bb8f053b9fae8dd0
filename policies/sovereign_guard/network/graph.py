"""How the resources of a stack relate, as the network stack policies read them: property
dependencies, tags, a security group's zone, a rule's group, the bastion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from ..values import get_list, get_map, get_str
from .rules import SECGROUP


def deps_of(resource: Any, key: str) -> Sequence[Any]:
    """The resources a property of `resource` was computed from (its propertyDependencies)."""
    deps = getattr(resource, "property_dependencies", None) or {}
    return deps.get(key, []) if isinstance(deps, dict) else []


def tags_of(resource: Any) -> list[str]:
    try:
        return [t for t in get_list(resource.props, "tags") if isinstance(t, str)]
    except UnknownValueError:
        return []


def zone_of(group: Any) -> str | None:
    """The zone of a security group, from its `zone:<name>` tag."""
    for tag in tags_of(group):
        if tag.startswith("zone:"):
            return tag.split(":", 1)[1]
    return None


def group_of(rule: Any, groups: dict[str, Any]) -> Any:
    """The security group of a rule: by property dependency, else by a known id; None if not in the stack."""
    for dep in deps_of(rule, "securityGroupId"):
        if getattr(dep, "resource_type", "") == SECGROUP:
            return dep
    try:
        sg_id = get_str(rule.props, "securityGroupId")
    except UnknownValueError:
        sg_id = None
    if sg_id:
        for group in groups.values():
            try:
                if get_str(group.props, "id") == sg_id:
                    return group
            except UnknownValueError:
                continue
    return None


def is_bastion(instance: Any) -> bool:
    """An instance the program marks as the bastion (tag role:bastion, or metadata role=bastion)."""
    if "role:bastion" in tags_of(instance):
        return True
    try:
        return get_str(get_map(instance.props, "metadata"), "role") == "bastion"
    except UnknownValueError:
        return False


def depends_on(resource: Any, target: Any) -> bool:
    """Whether `resource` was built from an output of `target`."""
    deps = getattr(resource, "property_dependencies", None) or {}
    if isinstance(deps, dict) and any(target in v for v in deps.values()):
        return True
    return target in (getattr(resource, "dependencies", None) or [])
