"""A resource's properties converted when a policy first reads them, not before every policy runs
(the pack process only).

pulumi-policy's Analyze and AnalyzeStack build, for every policy, the properties the policy will
see: `json_format.MessageToDict` turns the request's Struct into a dict, `deserialize_properties`
walks that into new containers, then `unknown_checking_proxy` walks those into proxies that raise
on a value unknown during preview; the same again for the resource's provider. All of it runs
before the policy is called, although most policies decide from the resource type alone that the
resource is none of theirs (the framework filters on Meta.types before a check reads anything):
53 policies, 53 conversions per resource, nearly all never read, and in AnalyzeStack one
conversion of the whole stack per stack policy (3.5 s of 5.7 s at 15,000 resources).

install() defers the three steps, inside Analyze and AnalyzeStack only (Configure reads its
policy config with MessageToDict too, and needs the dict): MessageToDict of a Struct returns the
message itself, `deserialize_properties` notes its arguments, `unknown_checking_proxy` returns
LazyProps, a mapping that runs the SDK's own three steps with those arguments the first time it
is read, then answers exactly as the SDK's proxy does (unknown values raise UnknownValueError,
item assignment goes to the target). Each policy still gets containers of its own. A property
the SDK cannot convert (a signature it does not know) now fails the policy that reads it, which
the framework reports as a violation it could not evaluate, instead of failing the whole call. The pack
declares no remediation, the one SDK path that serializes properties back; Remediate is left
unchanged anyway.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_policy import deserialize as sdk_deserialize
from pulumi_policy import proxy as sdk_proxy

from .message_dicts import json_format_with

_STRUCT = "google.protobuf.Struct"
_MARK = "_sovereign_guard_deferred"


class _Deferring(threading.local):
    active = False


_DEFERRING = _Deferring()


class _Noted:
    """deserialize_properties' arguments (the first may still be a Struct message), for later."""

    __slots__ = ("args", "to_dict")

    def __init__(self, args: tuple[Any, ...], to_dict: Callable[[Any], Any]) -> None:
        self.args = args
        self.to_dict = to_dict


class LazyProps(Mapping[str, Any]):
    """The SDK's unknown-checking proxy over the deserialized properties, built on first read."""

    __slots__ = ("_noted", "_proxy")

    def __init__(self, noted: _Noted) -> None:
        self._noted: _Noted | None = noted
        self._proxy: Any = None

    def _target(self) -> Any:
        if self._noted is not None:
            first, *rest = self._noted.args
            if not isinstance(first, dict):  # the Struct MessageToDict was not asked to convert
                first = self._noted.to_dict(first)
            deserialized = sdk_deserialize.deserialize_properties(first, *rest)
            self._proxy = sdk_proxy.unknown_checking_proxy(deserialized)
            self._noted = None
        return self._proxy

    def __getitem__(self, key: str) -> Any:
        return self._target()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._target()[key] = value

    def __iter__(self) -> Iterator[str]:
        return iter(self._target())

    def __len__(self) -> int:
        return len(self._target())


def _deferred_json_format(json_format: Any) -> Any:
    """json_format as pulumi_policy.policy sees it, whose MessageToDict leaves a Struct as it is
    while an Analyze or AnalyzeStack call is deferring."""
    convert = json_format.MessageToDict

    def message_to_dict(message: Any, *args: Any, **kwargs: Any) -> Any:
        if _DEFERRING.active and not args and not kwargs and message.DESCRIPTOR.full_name == _STRUCT:
            return message
        return convert(message, *args, **kwargs)

    return json_format_with(json_format, message_to_dict, _MARK)


def _deferring(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        _DEFERRING.active = True
        try:
            return method(*args, **kwargs)
        finally:
            _DEFERRING.active = False

    call._sovereign_guard_deferring = True  # type: ignore[attr-defined]
    return call


def install() -> None:
    """Give pulumi_policy.policy the deferred conversion (idempotent). Install message_dicts first:
    a LazyProps converts with the json_format in place before this one."""
    from pulumi_policy import policy as sdk_policy

    if hasattr(sdk_policy.json_format, _MARK):
        return
    to_dict = sdk_policy.json_format.MessageToDict
    sdk_policy.json_format = _deferred_json_format(sdk_policy.json_format)

    def noting_deserialize(*args: Any) -> Any:
        return _Noted(args, to_dict) if _DEFERRING.active else sdk_deserialize.deserialize_properties(*args)

    def lazy_proxy(value: Any) -> Any:
        return LazyProps(value) if isinstance(value, _Noted) else sdk_proxy.unknown_checking_proxy(value)

    sdk_policy.deserialize_properties = noting_deserialize  # type: ignore[assignment]
    sdk_policy.unknown_checking_proxy = lazy_proxy  # type: ignore[assignment]
    servicer = sdk_policy._PolicyAnalyzerServicer
    for name in ("Analyze", "AnalyzeStack"):
        setattr(servicer, name, _deferring(getattr(servicer, name)))
