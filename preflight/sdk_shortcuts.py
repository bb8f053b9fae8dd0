"""Three of the SDK's per-resource costs, cut while a program runs under preflight, with the same
results (installed() puts them in place for the run and takes them out after).

- contains_unknowns (pulumi.runtime.rpc) defines a recursive closure at every call: the function
  refers to itself through its closure cell, so each call leaves a function, a cell, a tuple and
  its annotations behind as cyclic garbage that only the cycle collector frees. The SDK calls it
  for every output of every resource: at 4,500 resources that was 43% of the objects the
  settler's collections freed (settling.py). `contains_unknowns` here is the same walk written as
  a module function, which leaves nothing behind.
- unwrap_type (pulumi._types) takes Output[T], Input[T] and Optional[T] apart with typing's
  introspection for every output property of every resource, although its answer depends on the
  type object alone. Here it is remembered per type object (at most _REMEMBERED_TYPES of them).
- pulumi.log.debug builds a LogRequest for every debug line the SDK writes (several per
  resource), which the mock engine hands to its logger (the root logger), which drops it unless
  debug logging is on. Here the line is dropped before the LogRequest is built when that logger
  would drop it.

The SDK's own modules look each of them up on its module at every call, so replacing the module
attribute is enough.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pulumi import _types as sdk_types
from pulumi import log as sdk_log
from pulumi.runtime import known_types
from pulumi.runtime import rpc as sdk_rpc
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.mocks import MockEngine

_REMEMBERED_TYPES = 4096
"""Type objects whose unwrapping is remembered: the OpenStack and Kubernetes providers' annotations
are a few hundred."""


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


def remembering_unwrap_type(unwrap: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # By identity, not equality: typing's unions are equal whatever the order of their members,
    # and unwrap_type's answer depends on that order. typing hands out the same object for the
    # same annotation, so identity still finds it again.
    known: dict[int, tuple[Any, Any]] = {}

    def unwrap_type(val: Any) -> Any:
        hit = known.get(id(val))
        if hit is not None and hit[0] is val:
            return hit[1]
        unwrapped = unwrap(val)
        if len(known) >= _REMEMBERED_TYPES:
            known.clear()
        known[id(val)] = (val, unwrapped)  # kept alive, so that no other object takes its id
        return unwrapped

    return unwrap_type


def quiet_debug(debug: Callable[..., None]) -> Callable[..., None]:
    def debug_unless_dropped(msg: str, *args: Any, **kwargs: Any) -> None:
        engine = sdk_settings.get_engine()
        if isinstance(engine, MockEngine) and not engine.logger.isEnabledFor(logging.DEBUG):
            return
        debug(msg, *args, **kwargs)

    return debug_unless_dropped


@contextmanager
def installed() -> Iterator[None]:
    with (
        _replaced(sdk_rpc, "contains_unknowns", contains_unknowns),
        _replaced(sdk_types, "unwrap_type", remembering_unwrap_type(sdk_types.unwrap_type)),
        _replaced(sdk_log, "debug", quiet_debug(sdk_log.debug)),
    ):
        yield


@contextmanager
def _replaced(module: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)
