"""The policy config preflight sends in Configure, reconciled and validated the way the engine does
it (pkg/resource/analyzer/config.go: defaults from each schema, then the pack's initial config, then
the user's file, "all" first; every policy's properties validated against its schema with
`enforcementLevel` added to it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .bounded_input import load_json
from .errors import UsageError
from .pack import LEVEL_CODES, PackInfo

_ENFORCEMENT_SCHEMA = {"type": "string", "enum": ["advisory", "mandatory", "remediate", "disabled"]}


def read_policy_config(path: Path) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """The user's policy config file: each policy to an optional level and its properties."""
    data = load_json(path, "policy config")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"policy config {path} must be a JSON object of policy names")
    result: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, value in data.items():
        if isinstance(value, str):
            if value not in LEVEL_CODES:
                raise UsageError(
                    f"policy config {path}: '{name}': {value!r} is not a valid enforcement level"
                )
            result[name] = (value, {})
        elif isinstance(value, dict):
            props = dict(value)
            level = props.pop("enforcementLevel", None)
            if level is not None and level not in LEVEL_CODES:
                raise UsageError(
                    f"policy config {path}: '{name}': {level!r} is not a valid enforcement level"
                )
            if level is not None or props:
                result[name] = (level, props)
        else:
            raise UsageError(f"policy config {path}: '{name}' must be an enforcement level or an object")
    return result


def reconcile_policy_config(
    info: PackInfo, given: Mapping[str, tuple[str | None, dict[str, Any]]], source: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The configuration the engine would send in Configure, or a usage error naming what is wrong."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for policy in info.policies.values():
        defaults = {
            k: v["default"]
            for k, v in policy.config_schema.get("properties", {}).items()
            if isinstance(v, dict) and "default" in v
        }
        result[policy.name] = (policy.enforcement, defaults)

    def apply(layer: Mapping[str, tuple[str | None, dict[str, Any]]]) -> None:
        every = layer.get("all")
        if every and every[0]:
            for name, (_, props) in result.items():
                result[name] = (every[0], props)
        for name, (level, props) in layer.items():
            if name == "all":
                continue
            if name not in info.policies:
                raise UsageError(
                    f"{source}: '{name}' is not a policy of pack '{info.name}' "
                    f"(policies: {', '.join(info.policies)})"
                )
            old_level, old_props = result[name]
            result[name] = (level or old_level, {**old_props, **props})

    apply(info.initial_config)
    apply(given)
    from jsonschema import Draft7Validator  # only needed here; its import is slow

    problems: list[str] = []
    for name, (_, props) in result.items():
        schema_in = info.policies[name].config_schema
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {**schema_in.get("properties", {}), "enforcementLevel": _ENFORCEMENT_SCHEMA},
        }
        if schema_in.get("required"):
            schema["required"] = schema_in["required"]
        validator = Draft7Validator(schema)
        for error in sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path)):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            problems.append(f"{name}{where}: {error.message}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"{source} does not match the policy's config schema: {problems[0]}{more}")
    return result
