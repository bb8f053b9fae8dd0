"""What pulumi-policy sets up again for every call and every policy, done once, and the collector
kept out of AnalyzeStack (the pack process only).

- The runtime. Analyze and AnalyzeStack start by configuring the Pulumi runtime from the process
  environment: they parse PULUMI_CONFIG, set every config key, inspect the signature of
  `pulumi.runtime.Settings` and configure new settings, for every resource (15% of the pack's CPU
  at 4,500 resources). The outcome depends only on environment variables, which do not change
  while the pack runs. gRPC runs each call in a fresh context, and what the first call configures
  reaches the later ones through the SDK's process-wide defaults (a setting's first assignment
  becomes its default, and config is one shared dict). So once the runtime has been configured
  from the environment seen now, and still reports that environment's project and stack, a call
  skips the repeat; should a later SDK keep settings per context, the check fails and every call
  configures again, as pulumi-policy does.
- A resource's options and provider. Analyze builds them from the request once per policy, 53
  times per resource, for policies that nearly all decide from the type alone. Within one Analyze
  call they are built once and every policy of the call gets the same two objects (each policy
  still gets properties of its own: lazy_props.py). No policy of this pack writes to them;
  tests/policies/test_call_setup.py runs every policy of the pack over the shipped stacks and
  fails if one does.
- The cycle collector, during AnalyzeStack. The call builds, for every stack policy, a view of
  every resource, and all of it lives until the policy is done, so each automatic collection
  walked a heap that only grew: 2.4 s of the call's 4.1 s at 15,000 resources, for nothing freed
  (the peak memory is the same without them). It runs again once no AnalyzeStack is in progress.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
from collections.abc import Callable
from typing import Any

from pulumi.runtime import settings as sdk_settings

ENVIRONMENT = (
    "PULUMI_CONFIG",
    "PULUMI_PROJECT",
    "PULUMI_STACK",
    "PULUMI_DRY_RUN",
    "PULUMI_ORGANIZATION",
    "PULUMI_ENABLE_LEGACY_APPLY",
)
"""Every environment variable pulumi_policy's _configure_runtime_settings reads, with the one
`pulumi.runtime.Settings` reads."""
_MARK = "_sovereign_guard_call_setup"
_UNSET: Any = object()


class _Configured:
    environment: tuple[str | None, ...] | None = None


class _Request(threading.local):
    """The request of the Analyze call this thread is in, and what was built from it."""

    request: Any = None
    built: dict[str, Any]

    def __init__(self) -> None:
        self.built = {}


_CONFIGURED = _Configured()
_REQUEST = _Request()


def _once_per_environment(configure: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(configure)
    def configure_once(servicer: Any) -> None:
        environment = tuple(os.environ.get(name) for name in ENVIRONMENT)
        if _CONFIGURED.environment != environment or not _reports(environment):
            configure(servicer)
            _CONFIGURED.environment = environment

    return configure_once


def _reports(environment: tuple[str | None, ...]) -> bool:
    """Whether the runtime, in this call's context, reports the environment's project and stack."""
    _, project, stack, *_ = environment
    return (
        project is not None
        and stack is not None
        and (sdk_settings.get_project(), sdk_settings.get_stack()) == (project, stack)
    )


def _once_per_request(build: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    name = build.__name__

    @functools.wraps(build)
    def build_once(servicer: Any, request: Any) -> Any:
        if _REQUEST.request is not request:  # AnalyzeStack, or a call from elsewhere
            return build(servicer, request)
        built = _REQUEST.built.get(name, _UNSET)
        if built is _UNSET:
            built = _REQUEST.built[name] = build(servicer, request)
        return built

    return build_once


def _recording_the_request(analyze: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(analyze)
    def call(servicer: Any, request: Any, context: Any) -> Any:
        _REQUEST.request, _REQUEST.built = request, {}
        try:
            return analyze(servicer, request, context)
        finally:
            _REQUEST.request, _REQUEST.built = None, {}

    return call


class _CollectorOff:
    """Automatic collection off while any call holds it, back to what it was after the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._holders -= 1
            if self._holders == 0 and self._was_enabled:
                gc.enable()


_COLLECTOR_OFF = _CollectorOff()


def _without_collector(analyze_stack: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(analyze_stack)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _COLLECTOR_OFF:
            return analyze_stack(*args, **kwargs)

    return call


def install() -> None:
    """Give pulumi_policy's servicer the once-only setup (idempotent)."""
    from pulumi_policy import policy as sdk_policy

    servicer = sdk_policy._PolicyAnalyzerServicer
    if getattr(servicer, _MARK, False):
        return
    servicer._configure_runtime_settings = _once_per_environment(servicer._configure_runtime_settings)  # type: ignore[method-assign]
    for name in ("_get_resource_options", "_get_provider_resource"):
        setattr(servicer, name, _once_per_request(getattr(servicer, name)))
    servicer.Analyze = _recording_the_request(servicer.Analyze)  # type: ignore[method-assign]
    servicer.AnalyzeStack = _without_collector(servicer.AnalyzeStack)  # type: ignore[method-assign]
    setattr(servicer, _MARK, True)
