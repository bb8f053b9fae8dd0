"""sdk_shortcuts: the same answers as the SDK's contains_unknowns (without cyclic garbage) and
unwrap_type (remembered), the same log output from log.debug, and only while installed."""

from __future__ import annotations

import gc
import logging
import random
import typing
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi_openstack as openstack
import pytest
from pulumi import _types as sdk_types
from pulumi import log as sdk_log
from pulumi.output import UNKNOWN
from pulumi.runtime import rpc as sdk_rpc
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.mocks import MockEngine
from pulumi.runtime.proto import engine_pb2

from preflight import sdk_shortcuts

SDK_CONTAINS_UNKNOWNS = sdk_rpc.contains_unknowns


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["str", "int", "none", "unknown", "dict", "list", "tuple"] if depth < 4 else ["str", "int"]
    kind = rng.choice(kinds)
    if kind == "unknown":
        return UNKNOWN if rng.random() < 0.3 else "plain"
    if kind == "dict":
        return {f"k{i}": _random_value(rng, depth + 1) for i in range(rng.randint(0, 4))}
    if kind in ("list", "tuple"):
        items = [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
        return items if kind == "list" else tuple(items)  # a tuple is not walked, by either
    return {"str": "v", "int": 7, "none": None}[kind]


def _shared_and_cyclic() -> list[Any]:
    shared = {"a": [1, 2]}
    cyclic: list[Any] = [1]
    cyclic.append(cyclic)
    cyclic_unknown: dict[str, Any] = {}
    cyclic_unknown["self"] = cyclic_unknown
    cyclic_unknown["later"] = [UNKNOWN]
    return [shared, {"x": shared, "y": shared}, cyclic, cyclic_unknown, [[UNKNOWN]], (UNKNOWN,), UNKNOWN]


@pytest.mark.parametrize("seed", range(20))
def test_answers_as_the_sdk_does_on_random_values(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        value = _random_value(rng)
        assert sdk_shortcuts.contains_unknowns(value) == SDK_CONTAINS_UNKNOWNS(value), value


def test_answers_as_the_sdk_does_on_shared_and_cyclic_containers() -> None:
    for value in _shared_and_cyclic():
        assert sdk_shortcuts.contains_unknowns(value) == SDK_CONTAINS_UNKNOWNS(value)
    assert [sdk_shortcuts.contains_unknowns(v) for v in _shared_and_cyclic()] == [
        False, False, False, True, True, False, True
    ]  # fmt: skip


def test_leaves_no_cyclic_garbage_where_the_sdk_s_does() -> None:
    value = {"a": [1, {"b": "c"}], "d": "e"}

    def garbage_after(check: Any) -> int:
        gc.collect()
        gc.disable()
        try:
            for _ in range(100):
                check(value)
            return gc.collect()
        finally:
            gc.enable()

    assert garbage_after(SDK_CONTAINS_UNKNOWNS) > 0  # what this module is for
    assert garbage_after(sdk_shortcuts.contains_unknowns) == 0


def _unwrapped_by_the_sdk() -> list[Any]:
    """Every type the SDK unwraps to read the outputs of the resources the benchmark's landing zone
    uses (the types of their output properties), and a few more made by hand, one unhashable."""
    seen: list[Any] = []
    sdk_unwrap = sdk_types.unwrap_type
    resources = (
        openstack.compute.Instance,
        openstack.networking.SecGroupRule,
        openstack.networking.Port,
        openstack.objectstorage.Container,
        openstack.keymanager.SecretV1,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sdk_types, "unwrap_type", lambda val: seen.append(val) or sdk_unwrap(val))
        for cls in resources:
            sdk_types._types_from_annotations(cls)
            sdk_types._types_from_py_properties.__wrapped__(cls)  # type: ignore[attr-defined]
    return [
        *seen,
        pulumi.Output[str],
        pulumi.Input[Sequence[pulumi.Input[str]]],
        typing.Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]],  # noqa: UP045 (as providers write it)
        int,
        typing.Annotated[int, ["unhashable metadata"]],
    ]


def test_unwrap_type_remembered_answers_as_the_sdk_does() -> None:
    sdk_unwrap = sdk_types.unwrap_type
    calls: list[Any] = []

    def counting(val: Any) -> Any:
        calls.append(val)
        return sdk_unwrap(val)

    remembered = sdk_shortcuts.remembering_unwrap_type(counting)
    types = _unwrapped_by_the_sdk()
    assert len(types) > 50
    for _ in range(3):
        for t in types:
            assert remembered(t) is sdk_unwrap(t), t
    assert len(calls) == len({id(t) for t in types})


def test_unwrap_type_remembered_by_identity_where_equal_unions_unwrap_differently() -> None:
    first = typing.Union[str, Awaitable[str], pulumi.Output[str]]  # noqa: UP007 (as providers write it)
    second = typing.Union[Awaitable[str], str, pulumi.Output[str]]  # noqa: UP007
    assert first == second and sdk_types.unwrap_type(first) != sdk_types.unwrap_type(second)
    remembered = sdk_shortcuts.remembering_unwrap_type(sdk_types.unwrap_type)
    for _ in range(2):
        assert remembered(first) == sdk_types.unwrap_type(first)
        assert remembered(second) == sdk_types.unwrap_type(second)


def test_debug_lines_are_dropped_only_where_the_engine_would_drop_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("preflight-test-engine")
    monkeypatch.setattr(logger, "level", logging.INFO)
    monkeypatch.setattr(sdk_settings, "get_engine", lambda: MockEngine(logger))
    built: list[str] = []
    log_request = engine_pb2.LogRequest
    monkeypatch.setattr(
        engine_pb2, "LogRequest", lambda **fields: built.append(fields["message"]) or log_request(**fields)
    )
    sent: list[str] = []

    class Engine:  # a real engine: every line is sent
        def Log(self, request: Any) -> None:
            sent.append(request.message)

    with sdk_shortcuts.installed():
        sdk_log.debug("dropped: the engine's logger would drop it")
        logger.setLevel(logging.DEBUG)
        sdk_log.debug("kept: debug logging is on")
        monkeypatch.setattr(sdk_settings, "get_engine", lambda: Engine())
        sdk_log.debug("sent: not the mock engine")
    logged = [r.getMessage() for r in caplog.records if r.name == logger.name]
    assert logged == ["kept: debug logging is on"]
    assert built == ["kept: debug logging is on", "sent: not the mock engine"]
    assert sent == ["sent: not the mock engine"]


def test_installed_only_for_the_duration() -> None:
    originals = (sdk_rpc.contains_unknowns, sdk_types.unwrap_type, sdk_log.debug)
    with sdk_shortcuts.installed():
        assert sdk_rpc.contains_unknowns is sdk_shortcuts.contains_unknowns
        assert sdk_types.unwrap_type is not originals[1]
        assert sdk_log.debug is not originals[2]
    assert (sdk_rpc.contains_unknowns, sdk_types.unwrap_type, sdk_log.debug) == originals
