"""The SDK's test for unknown values, without the reference cycle it makes at every call.

pulumi.runtime.rpc.contains_unknowns defines a recursive closure on each call: the function
refers to itself through its closure cell, so every call leaves a function, a cell, a tuple and
its annotations behind as cyclic garbage that only the cycle collector frees. The SDK calls it
for every output of every resource: at 4,500 resources that was 43% of the objects the settler's
collections had to free (settling.py). `contains_unknowns` here is the same walk written as a
module function, which leaves nothing behind; installed() puts it in the SDK's place while a
program runs (the SDK's own modules look it up as rpc.contains_unknowns at each call).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pulumi.runtime import known_types
from pulumi.runtime import rpc as sdk_rpc


def contains_unknowns(val: Any) -> bool:
    """Whether `val`, or anything in the dicts and lists it holds, is an unknown value (the SDK's
    signature, keyword included)."""
    return _contains(val, set())


def _contains(value: Any, seen: set[int]) -> bool:
    if known_types.is_unknown(value):
        return True
    if id(value) in seen:  # a container met before: already answered, or being answered
        return False
    seen.add(id(value))
    if isinstance(value, dict):
        return any(_contains(value[key], seen) for key in value)
    if isinstance(value, list):
        return any(_contains(item, seen) for item in value)
    return False


@contextmanager
def installed() -> Iterator[None]:
    original = sdk_rpc.contains_unknowns
    sdk_rpc.contains_unknowns = contains_unknowns
    try:
        yield
    finally:
        sdk_rpc.contains_unknowns = original
