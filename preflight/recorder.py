"""Run a Pulumi Python program under a recording mock engine.

Every resource registration is kept whole (type, name, engine-style URN, parent, provider
reference, inputs exactly as sent on the wire, options, and the source line that created it), so
that the policy pack can be sent the same AnalyzeRequests the real engine would send.
"""

from __future__ import annotations

import contextvars
import functools
import gc
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from . import creation_order, sdk_shortcuts, settling, source_capture
from .registration import STACK_TYPE, Registration, SourcePosition, engine_urn


@functools.lru_cache(maxsize=1024)
def _path(uri: str) -> Path:
    # A program's resources come from a few files: one Path each.
    return Path(unquote(urlparse(uri).path))


def _position(uri: str, line: int) -> SourcePosition | None:
    return SourcePosition(_path(uri), line) if uri else None


def _in_project(pos: SourcePosition | None, project_dir: Path) -> bool:
    return pos is not None and pos.path.is_relative_to(project_dir) and "site-packages" not in pos.path.parts


def _source(request: resource_pb2.RegisterResourceRequest, project_dir: Path) -> SourcePosition | None:
    """The project line that created the resource.

    The SDK's own guess is the caller of the third __init__ on the stack, which for some
    generated classes (openstack.Provider) lands inside the SDK; then the first stack frame in
    the project is the line a reviewer wants. source_capture stops the stack walk at that frame.
    Frames outer to a pump of the event loop (settling.py) belong to the construction that
    triggered the pump, not to a resource an output's callback created during it.
    """
    candidates = [_position(request.sourcePosition.uri, request.sourcePosition.line)]
    candidates += [_position(f.pc.uri, f.pc.line) for f in request.stackTrace.frames if f.HasField("pc")]
    for pos in candidates:
        if pos is not None and pos.path == settling.PUMP_FILE:
            return None
        if _in_project(pos, project_dir):
            return pos
    return None


def _urns(urns: Iterable[str]) -> list[str]:
    # The same URNs recur in many registrations (parents, dependencies): one string each.
    return [sys.intern(u) for u in urns]


def _options(request: resource_pb2.RegisterResourceRequest) -> dict[str, Any]:
    """The options the program set; one left at its default is absent (readers default it)."""
    # Go duration strings ("5m"), as the SDK sends them.
    timeouts = {p: getattr(request.customTimeouts, p) for p in ("create", "update", "delete")}
    options = {
        "protect": request.HasField("protect") and request.protect,
        "retainOnDelete": request.HasField("retainOnDelete") and request.retainOnDelete,
        "deletedWith": request.deletedWith,
        "ignoreChanges": list(request.ignoreChanges),
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        "dependencies": _urns(request.dependencies),
        "propertyDependencies": {k: _urns(v.urns) for k, v in request.propertyDependencies.items()},
        "aliases": [a.urn for a in request.aliases if a.urn],
        "importId": request.importId,
        "customTimeouts": {p: t for p, t in timeouts.items() if t},
    }
    kept = {k: v for k, v in options.items() if v}
    if request.deleteBeforeReplaceDefined:  # false is a choice too
        kept["deleteBeforeReplace"] = request.deleteBeforeReplace
    return kept


class RecordingMocks(pulumi_mocks.Mocks):
    """Resources get a stable fake id and echo their inputs; invokes are refused."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise NotImplementedError(
            f"invoke {args.token} cannot be answered offline: pass the value through stack config"
        )


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps every registration and builds engine-style URNs."""

    def __init__(self, mocks: pulumi_mocks.Mocks, project: str, stack: str, project_dir: Path) -> None:
        super().__init__(mocks)
        self.project_dir = project_dir.resolve()
        self.project = project
        self.stack = stack
        self.registrations: list[Registration] = []
        self.listener: Callable[[Registration], None] | None = None
        """Called with each registration as it arrives (in arrival order), e.g. to stream it."""
        self._by_urn: dict[str, Registration] = {}
        # Monitor calls run on an executor thread.
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return engine_urn(self.stack, self.project, parent, type_, name)

    def RegisterResource(self, request: resource_pb2.RegisterResourceRequest) -> Any:
        response = super().RegisterResource(request)
        record = Registration(
            type=sys.intern(request.type),
            name=request.name,
            urn=sys.intern(response.urn),
            parent=sys.intern(request.parent) if request.parent else None,
            custom=bool(request.custom),
            provider=sys.intern(request.provider) if request.provider else None,
            # Serialized on its own: a sub-message would keep the whole request alive.
            wire_inputs=request.object.SerializeToString(),
            options=_options(request),
            # The root stack is created by the SDK, not by a line of the program.
            source=None if request.type == STACK_TYPE else _source(request, self.project_dir),
            id=response.id,
            version=request.version,
            plugin_download_url=request.pluginDownloadURL,
        )
        with self._lock:
            self.registrations.append(record)
            self._by_urn[record.urn] = record
            if self.listener is not None:
                self.listener(record)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = json_format.MessageToDict(request.outputs) if request.HasField("outputs") else {}
        with self._lock:
            record = self._by_urn.get(request.urn)
            if record is not None:
                record.outputs = outputs
        return super().RegisterResourceOutputs(request)


@contextmanager
def _program_environment(project_dir: Path) -> Iterator[None]:
    """The program's directory as cwd and first on sys.path, as the language host sets them."""
    old_cwd, old_path = os.getcwd(), list(sys.path)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cycle collector off while the program runs.

    Every registration keeps dozens of SDK objects alive (futures, tasks, outputs) until the event
    loop settles it, so each collection walks a heap that grows with the program: at 4,500
    resources the collector took more than half of the run. Nothing the program allocates is
    garbage before the run ends; collection resumes afterwards (run.py holds it off until the
    stack's report is built: one collection after the program would walk its whole heap again).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_program(
    project_dir: Path,
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: list[str] | None = None,
    preview: bool = True,
    monitor: RecordingMonitor | None = None,
) -> list[Registration]:
    """Run the program's __main__.py once and return its registrations in order.

    Registrations come back in the order the program constructed the resources (creation_order).
    Each run gets a fresh context, so several stacks can run in one process one after another.
    Exceptions raised by the program propagate unchanged; pass a monitor to see what was
    registered before one was raised.
    """
    monitor = monitor or RecordingMonitor(RecordingMocks(), project, stack, project_dir)

    settler = settling.Settler(settling.SETTLE_EVERY)

    def program() -> None:
        settler.enter()
        runpy.run_path(str(project_dir), run_name="__main__")

    def kept(uri: str) -> bool:
        return _in_project(_position(uri, 0), monitor.project_dir)

    def run() -> None:
        # set_mocks registers the root stack: construction order is noted from before it.
        with creation_order.recorded(monitor.make_urn, settler.constructed) as order:
            try:
                # Whatever the calling process configured before (another run, a test's
                # set_mocks), the program starts from a clean runtime: no root stack, no stale
                # settings.
                reset_options(project=project, stack=stack, preview=preview)
                pulumi.runtime.set_mocks(
                    monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor
                )
                pulumi.runtime.set_all_config(dict(config), secret_keys or [])
                with (
                    _program_environment(project_dir),
                    source_capture.installed(kept),
                    sdk_shortcuts.installed(),
                    no_cyclic_gc(),
                ):
                    _sync_await(run_pulumi_func(program))
            finally:
                with monitor._lock:
                    arrived = {id(r): n for n, r in enumerate(monitor.registrations)}
                    monitor.registrations.sort(key=lambda r: order.sort_key(r.urn, arrived[id(r)]))

    contextvars.copy_context().run(run)
    return list(monitor.registrations)
