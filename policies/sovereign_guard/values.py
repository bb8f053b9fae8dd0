"""Tolerant readers for resource properties.

Properties arrive through the analyzer's unknown-value proxy: reading an unknown value raises
UnknownValueError, which the SDK turns into an advisory "can't run during preview" diagnostic.
These helpers never hide that; they only absorb wrong types and missing keys, so that a policy
reports or skips instead of crashing. Explicit providers send non-string inputs JSON-encoded
("false", "22"); numbers from the engine are floats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

TRUE_WORDS = frozenset({"true", "1", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"false", "0", "f", "no", "n", "off"})


def shape(value: Any) -> str:
    """What kind of JSON value this is, in words a reader knows (never the proxy's class name)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence):
        return "list"
    return "null" if value is None else "value of another kind"


def get(props: Any, key: str) -> Any:
    """props[key], or None when props is not a mapping or has no such key."""
    if not isinstance(props, Mapping):
        return None
    if key not in props:
        return None
    return props[key]


def is_set(props: Any, key: str) -> bool:
    """Whether a key holds a value, an unknown one included (without reading it)."""
    try:
        value = get(props, key)
    except UnknownValueError:
        return True
    return value is not None and value != ""


def get_str(props: Any, key: str) -> str | None:
    value = get(props, key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def as_bool(value: Any) -> bool | None:
    """True/False for a bool or a JSON/Terraform-style word; None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        word = value.strip().strip('"').lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def get_bool(props: Any, key: str) -> bool | None:
    return as_bool(get(props, key))


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if number.is_integer() else None
    return None


def get_int(props: Any, key: str) -> int | None:
    return as_int(get(props, key))


def get_map(props: Any, key: str) -> Mapping[str, Any]:
    """A mapping value, also when an explicit provider sent it JSON-encoded; {} otherwise."""
    value = get(props, key)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, Mapping) else {}


def get_list(props: Any, key: str) -> Sequence[Any]:
    value = get(props, key)
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return value
    return []


def walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every known string inside a value, with its dotted path; unknown parts are skipped
    (they are outputs of other resources, not literals written in the program)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                continue
            yield from walk_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, Sequence) and not isinstance(value, bytes):
        for index in range(len(value)):
            try:
                item = value[index]
            except UnknownValueError:
                continue
            yield from walk_strings(item, f"{path}[{index}]")


def package_of(resource_type: str) -> str:
    """The package of a type token: `openstack` for `openstack:compute/instance:Instance`,
    `aws` for `pulumi:providers:aws`."""
    parts = resource_type.split(":")
    if len(parts) >= 3 and parts[0] == "pulumi" and parts[1] == "providers":
        return parts[2]
    return parts[0]


def is_provider_type(resource_type: str) -> bool:
    return resource_type.startswith("pulumi:providers:")


def urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if "::" in urn else urn


def urn_type(urn: str) -> str:
    parts = urn.split("::")
    if len(parts) < 4:
        return ""
    return parts[2].rsplit("$", 1)[-1]
