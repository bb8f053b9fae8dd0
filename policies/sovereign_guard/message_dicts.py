"""One protobuf-to-dict conversion per message, not one per policy (the pack process only).

pulumi-policy's Analyze loops over the policies and, for every policy, converts the same request's
properties (and its provider's) from protobuf to a dict with json_format.MessageToDict: 26 policies,
26 identical conversions per resource, most of the pack's time per Analyze. The SDK passes the
result straight to deserialize_properties, which builds new dicts and lists from it, so handing it
the same converted dict again is invisible to every policy: each still gets containers of its own.

install() makes pulumi_policy.policy see a json_format whose MessageToDict remembers, per worker
thread, the last few messages it converted (by identity: a request and its sub-messages stay the
same objects while the SDK handles them). Nothing else changes; only policies/__main__.py calls it.
"""

from __future__ import annotations

import threading
import types
from typing import Any

from google.protobuf import json_format

_SLOTS = 4
"""A request's properties, its provider's properties, and room for both of the previous request."""
_MARK = "_sovereign_guard_memo"


class _Recent(threading.local):
    def __init__(self) -> None:
        self.entries: list[tuple[Any, dict[str, Any]]] = []


def _memoizing_message_to_dict() -> Any:
    recent = _Recent()

    def message_to_dict(message: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return json_format.MessageToDict(message, *args, **kwargs)
        for seen, converted in recent.entries:
            if seen is message:
                return converted
        converted = json_format.MessageToDict(message)
        # The message is held with its dict, so its identity cannot be reused while it is cached.
        recent.entries = [(message, converted), *recent.entries[: _SLOTS - 1]]
        return converted

    return message_to_dict


def install() -> None:
    """Give pulumi_policy.policy the remembering json_format (idempotent)."""
    from pulumi_policy import policy as sdk_policy

    if getattr(sdk_policy.json_format, _MARK, False):
        return
    sdk_policy.json_format = json_format_with(json_format, _memoizing_message_to_dict(), _MARK)


def json_format_with(base: Any, message_to_dict: Any, mark: str) -> Any:
    """`base` (json_format, or a shim of it already given to the SDK) with another MessageToDict;
    the attribute `mark` says which shim it is, so that installing one twice is seen."""
    public = {name: getattr(base, name) for name in dir(base) if not name.startswith("__")}
    shim = types.SimpleNamespace(**public)
    shim.MessageToDict = message_to_dict
    setattr(shim, mark, True)
    return shim
