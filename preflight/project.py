"""Locate a Pulumi project on disk: its Pulumi.yaml (name, program, config defaults), its stacks,
the stacks a run checks, each stack's policy config file, and the repository it lives in.

Reading a stack's config is the next step (secure_config.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bounded_input import load_yaml as _load_yaml
from .errors import UsageError

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


def stacks_to_check(project: Project, named: Sequence[str], all_stacks: bool) -> list[str]:
    """The stacks of one run: every stack, the ones named (each must exist), or the default one."""
    if all_stacks:
        stacks = project.stacks()
        if not stacks:
            raise UsageError(f"no stack file (Pulumi.<stack>.yaml) in {project.stack_config_dir}")
        return stacks
    if named:
        for stack in named:
            project.stack_file(stack)
        return list(named)
    return [project.default_stack()]


def policy_config_file(project: Project, stack: str, given: Path | None) -> Path | None:
    """The policy config for a stack: the one given for every stack, else
    `<stackConfigDir>/<stack>.policy.json` when it exists, else none (the pack's defaults)."""
    if given is not None:
        if not given.is_file():
            raise UsageError(f"policy config {given} does not exist")
        return given
    candidate = project.stack_config_dir / f"{stack}.policy.json"
    return candidate if candidate.is_file() else None


def repo_root(start: Path) -> Path:
    """The nearest directory with `.git` at or above `start` (reports give paths relative to it)."""
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start
