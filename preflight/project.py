"""A Pulumi project on disk: its Pulumi.yaml, its stacks, and each stack's config as the CLI passes it.

The CLI hands a Python program its config as strings keyed "<namespace>:<key>": structured values
as JSON text, booleans as "true"/"false". Project-level defaults from Pulumi.yaml apply under the
stack's own values. `secure:` values cannot be decrypted without the CLI and its secrets provider:
they become a marked placeholder and their keys are listed as secret.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bounded_input import load_yaml as _load_yaml
from .errors import UsageError

SECRET_PLACEHOLDER = "[secret: not decrypted by preflight]"
DEFAULT_STACK = "dev"
"""The stack run when none is named: `dev` if the project has one, else the first stack by name."""

_STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>.+)\.ya?ml$")


@dataclass(frozen=True)
class ConfigDeclaration:
    """One key declared under `config:` in Pulumi.yaml."""

    type: str | None
    default: Any
    has_default: bool
    secret: bool


@dataclass(frozen=True)
class Project:
    """A Pulumi project directory and what its Pulumi.yaml says."""

    dir: Path
    name: str
    runtime: str
    program_dir: Path
    stack_config_dir: Path
    declarations: dict[str, ConfigDeclaration] = field(default_factory=dict)

    def stacks(self) -> list[str]:
        """Every stack with a file in the stack config directory, sorted by name."""
        if not self.stack_config_dir.is_dir():
            return []
        found = {
            m.group("stack") for p in self.stack_config_dir.iterdir() if (m := _STACK_FILE.match(p.name))
        }
        return sorted(found)

    def default_stack(self) -> str:
        stacks = self.stacks()
        if not stacks:
            raise UsageError(f"no stack file (Pulumi.<stack>.yaml) in {self.stack_config_dir}")
        return DEFAULT_STACK if DEFAULT_STACK in stacks else stacks[0]

    def stack_file(self, stack: str) -> Path:
        for suffix in (".yaml", ".yml"):
            path = self.stack_config_dir / f"Pulumi.{stack}{suffix}"
            if path.is_file():
                return path
        known = ", ".join(self.stacks()) or "none"
        raise UsageError(
            f"unknown stack '{stack}': no Pulumi.{stack}.yaml in {self.stack_config_dir} (stacks: {known})"
        )

    def namespaced(self, key: str) -> str:
        return key if ":" in key else f"{self.name}:{key}"


def load_project(project_dir: Path) -> Project:
    """Read Pulumi.yaml; any problem is a usage error naming the file."""
    project_dir = project_dir.resolve()
    path = project_dir / "Pulumi.yaml"
    if not path.is_file():
        alt = project_dir / "Pulumi.yml"
        if not alt.is_file():
            raise UsageError(f"no Pulumi.yaml in {project_dir}: pass --project-dir with a Pulumi project")
        path = alt
    data = _load_yaml(path, "project file")
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        raise UsageError(f"project file {path} has no 'name'")
    runtime = data.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise UsageError(
            f"project file {path}: runtime is {runtime_name!r}; preflight runs Python programs only"
        )
    main = data.get("main")
    program_dir = (project_dir / main).resolve() if isinstance(main, str) and main else project_dir
    if program_dir.is_file():
        raise UsageError(f"project file {path}: 'main' must name a directory with a __main__.py")
    if not (program_dir / "__main__.py").is_file():
        raise UsageError(f"no __main__.py in {program_dir}: preflight runs the program's __main__.py")
    stack_dir = data.get("stackConfigDir")
    stack_config_dir = (project_dir / stack_dir).resolve() if isinstance(stack_dir, str) else project_dir
    name = data["name"]
    declarations: dict[str, ConfigDeclaration] = {}
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise UsageError(f"project file {path}: 'config' must be a mapping")
    for key, decl in config.items():
        full = key if ":" in str(key) else f"{name}:{key}"
        if isinstance(decl, dict) and (
            {"type", "default", "description", "secret", "items", "value"} & decl.keys()
        ):
            has_default = "default" in decl or "value" in decl
            default = decl.get("default", decl.get("value"))
            declarations[full] = ConfigDeclaration(
                decl.get("type"), default, has_default, bool(decl.get("secret"))
            )
        else:
            declarations[full] = ConfigDeclaration(None, decl, True, False)
    return Project(project_dir, name, "python", program_dir, stack_config_dir, declarations)


@dataclass(frozen=True)
class StackConfig:
    """One stack's config, ready for the program and for the policy pack."""

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


def load_stack_config(project: Project, stack: str) -> StackConfig:
    """The stack file's config over the project's defaults, as strings; secure values replaced."""
    path = project.stack_file(stack)
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
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in merged.items():
        decl = project.declarations.get(key)
        if decl is not None and decl.secret and not _has_secure(value):
            # The CLI refuses this too: a value declared secret must be encrypted in the stack file.
            raise UsageError(
                f"stack file {path}: config key '{key}' must be encrypted as it is declared secret "
                f"in Pulumi.yaml (set it with `pulumi config set --secret`)"
            )
        secret = _has_secure(value)
        plain = _without_secure(value)
        if decl and decl.type in _TYPE_CHECKS and not secret and not _TYPE_CHECKS[decl.type](plain):
            raise UsageError(
                f"stack file {path}: config key '{key}' must be of type '{decl.type}' "
                "(Pulumi.yaml declares it)"
            )
        values[key] = as_cli_string(plain)
        if secret:
            secret_keys.append(key)
    return StackConfig(stack, path, values, sorted(secret_keys))
