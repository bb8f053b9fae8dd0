"""Settling registrations while the program runs (preflight/settling.py) frees what the program let
go of, never waits forever, and changes nothing the pack sees."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import resource_pb2, source_pb2

from preflight import recorder, settling
from preflight.creation_order import CreationOrder
from preflight.program import PreviewMocks, run_stack
from preflight.project import load_project
from preflight.recorder import RecordingMonitor, run_program
from preflight.registration import Registration, SourcePosition, engine_urn
from preflight.secure_config import load_stack_config

from .test_fast_path import PROGRAM_STACKS

PROBE = "preflight_settling_probe"

# Many resources the program lets go of one after another, like a loop over tenants.
LOOP_PROGRAM = f"""
import weakref
import {PROBE} as probe
import pulumi_openstack as openstack

first = openstack.networking.Network("n-0", admin_state_up=True)
probe.first = weakref.ref(first)
del first
for i in range(1, 300):
    openstack.networking.Network(f"n-{{i}}", admin_state_up=True)
probe.first_alive_at_the_end = probe.first() is not None
"""

# A registration waits on a value the program only produces after 300 more constructions.
LATE_VALUE_PROGRAM = """
import asyncio
import pulumi
import pulumi_openstack as openstack

later = asyncio.get_event_loop().create_future()
openstack.networking.Network("waits", name=pulumi.Output.from_input(later))
for i in range(300):
    openstack.networking.Network(f"n-{i}", admin_state_up=True)
later.set_result("given-at-the-end")
"""


@pytest.fixture
def probe() -> Iterator[types.ModuleType]:
    module = types.ModuleType(PROBE)
    sys.modules[PROBE] = module
    yield module
    del sys.modules[PROBE]


def _run(tmp_path: Path, program: str) -> tuple[list[Registration], list[settling.Settler]]:
    (tmp_path / "__main__.py").write_text(program)
    settlers: list[settling.Settler] = []

    class Kept(settling.Settler):
        def __init__(self, every: int) -> None:
            super().__init__(every)
            settlers.append(self)

    monitor = RecordingMonitor(PreviewMocks(), "probe", "dev", tmp_path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settling, "Settler", Kept)
        regs = run_program(tmp_path, project="probe", stack="dev", config={}, monitor=monitor)
    return regs, settlers


def test_a_resource_the_program_let_go_of_is_freed_while_the_program_runs(
    tmp_path: Path, probe: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    regs, settlers = _run(tmp_path, LOOP_PROGRAM)
    assert len(regs) == 301  # the root stack and 300 networks, all recorded
    assert settlers[0].settlements == 300 // settling.SETTLE_EVERY
    assert probe.first_alive_at_the_end is False


def test_without_settling_the_sdk_holds_every_resource_until_the_program_ends(
    tmp_path: Path, probe: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The counterpart that shows the test above can fail.
    monkeypatch.setattr(settling, "SETTLE_EVERY", 0)
    _, settlers = _run(tmp_path, LOOP_PROGRAM)
    assert settlers[0].settlements == 0
    assert probe.first_alive_at_the_end is True


def test_a_registration_waiting_on_a_later_value_does_not_hold_the_program(tmp_path: Path) -> None:
    regs, settlers = _run(tmp_path, LATE_VALUE_PROGRAM)
    waits = next(r for r in regs if r.name == "waits")
    assert json_format.MessageToDict(waits.inputs)["name"] == "given-at-the-end"
    assert settlers[0].settlements >= 2


def _records(project_dir: Path, stack: str) -> list[tuple[Any, ...]]:
    project = load_project(project_dir)
    regs = run_stack(project, load_stack_config(project, stack))
    return [
        (r.urn, r.type, r.parent, r.provider, r.source, json_format.MessageToDict(r.inputs), r.options)
        for r in regs
    ]


@pytest.mark.parametrize(("project_dir", "stack"), PROGRAM_STACKS, ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_settling_after_every_construction_records_what_no_settling_records(
    project_dir: Path, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settling, "SETTLE_EVERY", 0)
    never = _records(project_dir, stack)
    monkeypatch.setattr(settling, "SETTLE_EVERY", 1)
    always = _records(project_dir, stack)
    assert always == never
    assert len(always) >= 3


def _request(*uris: str) -> resource_pb2.RegisterResourceRequest:
    frames = [source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=u, line=7)) for u in uris]
    return resource_pb2.RegisterResourceRequest(stackTrace=source_pb2.StackTrace(frames=frames))


def test_frames_outer_to_a_pump_are_not_the_resource_s_line(tmp_path: Path) -> None:
    library = "file:///usr/lib/python3/site-packages/lib/component.py"
    program = (tmp_path / "__main__.py").as_uri()
    # Created by a library's callback during a pump: the program line below the pump is another
    # resource's, so the resource has no line (as under the engine, where nothing pumps).
    assert recorder._source(_request(library, settling.PUMP_FILE.as_uri(), program), tmp_path) is None
    # Created by the program's own callback: that line.
    own_line = SourcePosition(tmp_path / "__main__.py", 7)
    assert recorder._source(_request(program, settling.PUMP_FILE.as_uri()), tmp_path) == own_line


# An RPC that fails while settlements prune the ones that succeeded.
FAILING_INVOKE_PROGRAM = """
import pulumi_openstack as openstack

for i in range(200):
    openstack.networking.Network(f"before-{i}", admin_state_up=True)
openstack.networking.get_network_output(name="ext-net")
for i in range(200):
    openstack.networking.Network(f"after-{i}", admin_state_up=True)
"""


def test_a_failed_rpc_still_fails_the_program_after_settlements(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="cannot be answered offline"):
        _run(tmp_path, FAILING_INVOKE_PROGRAM)


# Resources created by output callbacks, which run while the loop is already being pumped.
CALLBACK_CHILDREN_PROGRAM = """
import pulumi_openstack as openstack

for i in range(300):
    net = openstack.networking.Network(f"n-{i}", admin_state_up=True)
    for j in range(3):
        net.urn.apply(
            lambda _, i=i, j=j: openstack.networking.Subnet(f"s-{i}-{j}", network_id="x", cidr="10.0.0.0/24")
        )
"""


def test_resources_made_by_callbacks_during_a_settlement_are_recorded(tmp_path: Path) -> None:
    regs, settlers = _run(tmp_path, CALLBACK_CHILDREN_PROGRAM)
    assert len(regs) == 1 + 300 + 900
    assert settlers[0].settlements >= 2
    # Each is the callback's line, whether the callback ran in a settlement or after the program.
    assert {r.source.line for r in regs if r.name.startswith("s-") and r.source} == {8}
    assert all(r.source for r in regs if r.name.startswith("s-"))


class _EqualToAll:
    """A resource class may define its own equality: this one is equal to everything."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


def test_creation_order_knows_each_parent_by_identity() -> None:
    order = CreationOrder(lambda parent, type_, name: engine_urn("dev", "p", parent, type_, name))
    x, y, child = _EqualToAll(), _EqualToAll(), _EqualToAll()
    order.note(x, "t:m:X", "x", None)
    order.note(y, "t:m:Y", "y", None)
    order.note(child, "t:m:C", "c", types.SimpleNamespace(parent=x))
    assert "urn:pulumi:dev::p::t:m:X$t:m:C::c" in order.index
