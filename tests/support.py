"""Test helpers: stack files as the CLI passes them, and the program run under the recorder."""

from __future__ import annotations

import contextvars
import copy
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from preflight.recorder import run_program  # noqa: E402
from preflight.registration import Registration  # noqa: E402

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


class EchoMocks(pulumi_mocks.Mocks):
    """Resources get a stable fake id and echo their inputs; invokes are refused."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(args.token)


class WireMonitor(pulumi_mocks.MockMonitor):
    """Keeps every request of a component test whole, as a wire dict (secrets still wrapped)."""

    def __init__(self, mocks: pulumi_mocks.Mocks | None = None) -> None:
        super().__init__(mocks or EchoMocks())
        self.lock = threading.Lock()
        self.registrations: list[dict[str, Any]] = []
        self.outputs: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:
        with self.lock:
            self.registrations.append(json_format.MessageToDict(request))
        return super().RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        with self.lock:
            self.outputs.append(json_format.MessageToDict(request))
        return super().RegisterResourceOutputs(request)

    def of_type(self, typ: str) -> list[dict[str, Any]]:
        return [r for r in self.registrations if r["type"] == typ]

    def named(self, name: str) -> dict[str, Any]:
        (found,) = [r for r in self.registrations if r["name"] == name]
        return found


def run_component(
    program: Callable[[], None], monitor: WireMonitor | None = None, *, preview: bool = False
) -> WireMonitor:
    """Run a function that builds components, in a fresh runtime context, and wait for it."""
    monitor = monitor if monitor is not None else WireMonitor()

    def body() -> None:
        pulumi.runtime.set_mocks(
            monitor.mocks, project=PROJECT, stack="test", monitor=monitor, preview=preview
        )
        _sync_await(run_pulumi_func(program))

    contextvars.copy_context().run(body)
    return monitor
