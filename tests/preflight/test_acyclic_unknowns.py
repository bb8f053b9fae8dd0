"""acyclic_unknowns: the same answers as the SDK's contains_unknowns, without cyclic garbage."""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest
from pulumi.output import UNKNOWN
from pulumi.runtime import rpc as sdk_rpc

from preflight import acyclic_unknowns

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
        assert acyclic_unknowns.contains_unknowns(value) == SDK_CONTAINS_UNKNOWNS(value), value


def test_answers_as_the_sdk_does_on_shared_and_cyclic_containers() -> None:
    for value in _shared_and_cyclic():
        assert acyclic_unknowns.contains_unknowns(value) == SDK_CONTAINS_UNKNOWNS(value)
    assert [acyclic_unknowns.contains_unknowns(v) for v in _shared_and_cyclic()] == [
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
    assert garbage_after(acyclic_unknowns.contains_unknowns) == 0


def test_installed_only_for_the_duration() -> None:
    with acyclic_unknowns.installed():
        assert sdk_rpc.contains_unknowns is acyclic_unknowns.contains_unknowns
    assert sdk_rpc.contains_unknowns is SDK_CONTAINS_UNKNOWNS
