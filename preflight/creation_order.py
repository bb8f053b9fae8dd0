"""Registrations in the order the program created its resources, whatever order they arrived in.

The SDK sends RegisterResource from a pool of executor threads once a resource's dependencies are
resolved, so the order the monitor sees changes from run to run (two runs of the same stack can
list the same resources, and so the same findings, in different orders). The program's own order
does not change: every resource is constructed synchronously, one after another. This module
notes each resource's URN as it is constructed (before any thread is involved), so that the
recorder can hand registrations back in that order: a stable report, and the same one whichever
way the source line was captured.

The URN is the engine's (registration.engine_urn), computed from the parent's URN noted earlier: a
parent is always constructed before its children, and a resource without a parent belongs to the
root stack.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi.resource as sdk_resource_module

from .registration import STACK_TYPE


class CreationOrder:
    """URN to construction index, for one program run."""

    def __init__(self, urn_of: Callable[[str, str, str], str]) -> None:
        self._urn_of = urn_of
        self.index: dict[str, int] = {}
        # id(resource) -> (a weak reference to it, its URN). Weak: a resource the program has let
        # go of must be free to go (settling.py). By identity: a resource class may define its own
        # equality, or none that hashes.
        self._by_object: dict[int, tuple[weakref.ref[Any], str]] = {}
        self._root = ""

    def note(self, res: Any, type_: str, name: str, opts: Any) -> None:
        parent = getattr(opts, "parent", None) if opts is not None else None
        if parent is not None:
            known = self._by_object.get(id(parent))
            parent_urn = known[1] if known is not None and known[0]() is parent else ""
        else:
            parent_urn = "" if type_ == STACK_TYPE else self._root
        urn = self._urn_of(parent_urn, type_, name)
        if type_ == STACK_TYPE and not self._root:
            self._root = urn
        key = id(res)

        def forget(_: weakref.ref[Any]) -> None:
            self._forget(key)

        self._by_object[key] = (weakref.ref(res, forget), urn)
        self.index.setdefault(urn, len(self.index))

    def _forget(self, key: int) -> None:
        entry = self._by_object.get(key)
        if entry is not None and entry[0]() is None:  # not a newer resource given the same id
            del self._by_object[key]

    def sort_key(self, urn: str, arrival: int) -> tuple[int, int]:
        """Construction order first; anything not constructed here (read resources) after, as it came."""
        return (self.index.get(urn, len(self.index)), arrival)


@contextmanager
def recorded(
    urn_of: Callable[[str, str, str], str], after_each: Callable[[], None] = lambda: None
) -> Iterator[CreationOrder]:
    """Note every resource construction while the program runs; `after_each` is called once the
    SDK has scheduled the resource's registration (the last step of its constructor)."""
    order = CreationOrder(urn_of)
    original = sdk_resource_module.register_resource

    def register_resource(res: Any, type_: str, name: str, *args: Any, **kwargs: Any) -> Any:
        # register_resource(res, t, name, custom, remote, new_dependency, props, opts, typ, package_ref)
        opts = args[4] if len(args) > 4 else kwargs.get("opts")
        order.note(res, type_, name, opts)
        scheduled = original(res, type_, name, *args, **kwargs)
        after_each()
        return scheduled

    sdk_resource_module.register_resource = register_resource  # type: ignore[assignment]
    try:
        yield order
    finally:
        sdk_resource_module.register_resource = original
