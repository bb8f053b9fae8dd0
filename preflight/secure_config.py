"""A stack's config as the CLI would pass it to the program, with `secure:` values held back.

The CLI hands a Python program its config as strings keyed "<namespace>:<key>": structured values
as JSON text, booleans as "true"/"false". Project-level defaults from Pulumi.yaml apply under the
stack's own values. `secure:` values cannot be decrypted without the CLI and its secrets provider:
they become a marked placeholder and their keys are listed as secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bounded_input import load_yaml as _load_yaml
from .errors import UsageError
from .project import Project

SECRET_PLACEHOLDER = "[secret: not decrypted by preflight]"


@dataclass(frozen=True)
class RawStackConfig:
    """One stack's config as raw CLI strings, ready for the program and for the policy pack.

    Raw: nothing here is validated against the program's rules; that is the program's own
    StackConfig (components/config.py), built from these strings when the program runs."""

    stack: str
    file: Path
    values: dict[str, str]
    """"<namespace>:<key>" to the string the CLI would pass."""
    secret_keys: list[str]

    def package(self, package: str) -> dict[str, str]:
        """The `<package>:*` keys without their namespace: a default provider's inputs."""
        prefix = f"{package}:"
        return {k[len(prefix) :]: v for k, v in self.values.items() if k.startswith(prefix)}


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _without_secure(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {k: _without_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secure(v) for v in value]
    return value


def as_cli_string(value: Any) -> str:
    """A config value as the CLI passes it to a program."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def load_stack_config(project: Project, stack: str) -> RawStackConfig:
    """The stack file's config over the project's defaults, as strings; secure values replaced."""
    path = project.stack_file(stack)
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in _merged_config(project, path).items():
        _check_declared(project, path, key, value)
        values[key] = as_cli_string(_without_secure(value))
        if _has_secure(value):
            secret_keys.append(key)
    return RawStackConfig(stack, path, values, sorted(secret_keys))


def _merged_config(project: Project, path: Path) -> dict[str, Any]:
    """The stack file's `config:` over Pulumi.yaml's defaults, every key namespaced."""
    data = _load_yaml(path, "stack file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"stack file {path} must be a YAML mapping")
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise UsageError(f"stack file {path}: 'config' must be a mapping of keys to values")
    merged: dict[str, Any] = {k: d.default for k, d in project.declarations.items() if d.has_default}
    for key, value in raw.items():
        full = project.namespaced(str(key))
        if full.count(":") != 1 or not all(full.split(":")):
            raise UsageError(f"stack file {path}: config key '{key}' is not '<namespace>:<name>'")
        merged[full] = value
    return merged


def _check_declared(project: Project, path: Path, key: str, value: Any) -> None:
    """A value agrees with its declaration in Pulumi.yaml: secret when declared so, of its type."""
    decl = project.declarations.get(key)
    if decl is None:
        return
    secret = _has_secure(value)
    if decl.secret and not secret:
        # The CLI refuses this too: a value declared secret must be encrypted in the stack file.
        raise UsageError(
            f"stack file {path}: config key '{key}' must be encrypted as it is declared secret "
            f"in Pulumi.yaml (set it with `pulumi config set --secret`)"
        )
    check = _TYPE_CHECKS.get(decl.type or "")
    if check is not None and not secret and not check(_without_secure(value)):
        raise UsageError(
            f"stack file {path}: config key '{key}' must be of type '{decl.type}' (Pulumi.yaml declares it)"
        )
