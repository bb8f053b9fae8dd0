"""Test helpers: stack files as the CLI passes them, and the program run under the recorder."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from preflight.recorder import Registration, run_program  # noqa: E402

PROJECT = "sovereign-landing-zone"
STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (REPO / "stacks").glob("Pulumi.*.yaml"))


def raw_stack(stack: str) -> dict[str, Any]:
    """The stack file's config, keys without the project namespace, values as YAML gave them."""
    data = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {k.split(":", 1)[1]: v for k, v in data.items() if k.startswith(f"{PROJECT}:")}


def as_cli_config(raw: dict[str, Any]) -> dict[str, str]:
    """Namespaced string values, the way the CLI hands config to a program."""

    def text(v: Any) -> str:
        if isinstance(v, str):
            return v
        return json.dumps(v, default=str) if not isinstance(v, bool) else str(v).lower()

    return {f"{PROJECT}:{k}": text(v) for k, v in raw.items()}


def record(raw: dict[str, Any], stack: str = "test") -> list[Registration]:
    return run_program(REPO, project=PROJECT, stack=stack, config=as_cli_config(raw))


def wire(reg: Registration) -> dict[str, Any]:
    """A registration's inputs in wire (camelCase) names."""
    return json_format.MessageToDict(reg.inputs)


def stack_copy(stack: str) -> dict[str, Any]:
    return copy.deepcopy(raw_stack(stack))
