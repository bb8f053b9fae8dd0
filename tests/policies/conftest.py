"""Shared helpers for the sovereign-guard tests.

- `run(policy, type, props, ...)` evaluates one policy the way the analyzer does: the wire
  properties (camelCase) go through a protobuf Struct, pulumi-policy's own deserializer and its
  unknown-value proxy, exactly as `_PolicyAnalyzerServicer.Analyze` builds them.
- `run_stack(policy, resources)` does the same for stack policies (AnalyzeStack's shape).
- Each returns a `Result` with one outcome: `ok` (applicable and passed), `violated`,
  `is_not_applicable` or `unknown`; the first three record what the tests observed, and
  test_outcome_coverage.py (run last) requires all three per policy (outcome_coverage.py).
- The pack process's requests (`analyze_request`) and session helpers are in pack_helpers.py; the
  baseline wire properties in wire_baselines.py.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))

from google.protobuf import json_format, struct_pb2  # noqa: E402
from pulumi_policy import (  # noqa: E402
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties  # noqa: E402
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy  # noqa: E402
from sovereign_guard import ALL_POLICIES, clock, framework, hygiene, settings  # noqa: E402
from sovereign_guard.analysis_call import CALL  # noqa: E402

from preflight import suppression_records  # noqa: E402
from preflight.wire import secret as wire_secret  # noqa: E402

from .outcome_coverage import (  # noqa: E402
    COMPLIANT,
    COVERAGE_TEST,
    NOT_APPLICABLE,
    OBSERVED,
    SELECTION,
    VIOLATING,
)

# The baseline wire properties live in wire_baselines.py; the tests import them from here.
from .wire_baselines import (  # noqa: E402, F401
    BUCKET_SECRETS,
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    HTTPS_IN,
    PROD_PROVIDER,
    PROD_SETTINGS,
    RULE_TYPE,
    SG_TYPE,
)

UNKNOWN = UNKNOWN_STRING_VALUE
TODAY = dt.date(2026, 11, 29)
STACK = "dev"
PROJECT = "sovereign-landing-zone"


def secret(value: Any) -> dict[str, Any]:
    """A secret input as the engine sends it."""
    return wire_secret(value)


def urn(type_: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def wire(props: Mapping[str, Any]) -> Any:
    """Wire props through a Struct, the SDK deserializer and the unknown-value proxy."""
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


@dataclass
class Result:
    """What one policy answered for one resource (or stack).

    Exactly one outcome: passed (`ok`), violated (`violated`), not applicable (`is_not_applicable`,
    reason in `not_applicable`) or stopped on an unknown value (`unknown`). Each outcome property
    that is true records the policy and the outcome (outcome_coverage.py), so the meta-test can
    prove every policy has a test that saw it pass, fail and not apply.
    """

    policy: str = ""
    violations: list[str] = field(default_factory=list)
    not_applicable: str | None = None
    """The reason the policy gave for not applying; None when it applied."""
    unknown: str | None = None
    reported_urns: list[str | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Applicable and passed: the check ran, read every value it needed, found nothing."""
        return self._seen(
            COMPLIANT, not self.violations and self.unknown is None and self.not_applicable is None
        )

    @property
    def violated(self) -> bool:
        """Applicable and at least one violation."""
        return self._seen(VIOLATING, bool(self.violations) and self.not_applicable is None)

    @property
    def is_not_applicable(self) -> bool:
        """The policy answered not applicable (its reason in `not_applicable`) and reported nothing."""
        return self._seen(NOT_APPLICABLE, self.not_applicable is not None and not self.violations)

    def _seen(self, outcome: str, holds: bool) -> bool:
        if holds and self.policy:
            OBSERVED.record(self.policy, outcome)
        return holds

    def text(self) -> str:
        """The violation messages, one per line; reading them is how a test asserts a violation."""
        self.violated  # noqa: B018 (records the outcome when there is one)
        return "\n".join(self.violations)


class _NotApplicableAnswer(Exception):
    """What the test doubles of the SDK's args raise for `args.not_applicable` (its public API)."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason)
        self.reason = reason


class _ResourceArgs(ResourceValidationArgs):
    def not_applicable(self, reason: str | None = None) -> None:
        raise _NotApplicableAnswer(reason)


class _StackArgs(StackValidationArgs):
    def not_applicable(self, reason: str | None = None) -> None:
        raise _NotApplicableAnswer(reason)


def provider(
    props: Mapping[str, Any] | None = None, name: str = "sovereign", type_: str = "pulumi:providers:openstack"
) -> PolicyProviderResource:
    props = DEV_PROVIDER if props is None else props
    return PolicyProviderResource(type_, wire(props), urn(type_, name), name)


def options(additional_secret_outputs: Sequence[str] = (), protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), list(additional_secret_outputs), None
    )


def resource_args(
    type_: str,
    props: Mapping[str, Any],
    *,
    name: str = "res",
    prov: PolicyProviderResource | str | None = "default-explicit",
    opts: PolicyResourceOptions | None = None,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    if prov == "default-explicit":
        prov = None if type_.startswith("pulumi:providers:") or type_.startswith("sovereign:") else provider()
    return _ResourceArgs(
        type_,
        wire(props),
        urn(type_, name),
        name,
        opts or options(),
        prov if not isinstance(prov, str) else None,
        dict(config) if config is not None else None,
    )


def _validate(policy: ResourceValidationPolicy | StackValidationPolicy, args: Any) -> Result:
    """Call a policy's validate; collect its violations, its not-applicable reason or the unknown it read."""
    result = Result(policy.name)

    def report(message: str, urn_: str | None = None) -> None:
        result.violations.append(message)
        result.reported_urns.append(urn_)

    try:
        policy.validate(args, report)
    except _NotApplicableAnswer as err:
        result.not_applicable = err.reason or ""
    except UnknownValueError as err:
        result.unknown = err.message
    return result


def run(
    policy: ResourceValidationPolicy,
    type_: str,
    props: Mapping[str, Any],
    **kwargs: Any,
) -> Result:
    return _validate(policy, resource_args(type_, props, **kwargs))


def stack_resource(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    *,
    deps: Mapping[str, Sequence[PolicyResource]] | None = None,
) -> PolicyResource:
    res = PolicyResource(type_, wire(props), urn(type_, name), name, options(), None, None, [], {})
    for key, targets in (deps or {}).items():
        res.property_dependencies[key] = list(targets)
        res.dependencies.extend(t for t in targets if t not in res.dependencies)
    return res


def run_stack(
    policy: StackValidationPolicy,
    resources: Sequence[PolicyResource],
    config: Mapping[str, Any] | None = None,
) -> Result:
    return _validate(policy, _StackArgs(list(resources), dict(config) if config is not None else None))


def run_pack(
    type_: str, props: Mapping[str, Any], settings_config: Mapping[str, Any] | None = None, **kwargs: Any
) -> dict[str, Result]:
    """Every resource policy in pack order on one resource, as one Analyze call does."""
    results: dict[str, Result] = {}
    for policy in ALL_POLICIES:
        if not isinstance(policy, ResourceValidationPolicy):
            continue
        config = settings_config if policy.name == hygiene.SETTINGS_POLICY else None
        results[policy.name] = run(policy, type_, props, config=config, **kwargs)
    return results


def applied_record(message: str) -> dict[str, Any] | None:
    """The applied-suppression record in a disclosure, read by its one reader (preflight's)."""
    record = suppression_records.applied_record(message)
    return asdict(record) if record is not None else None


def use_settings(config: Mapping[str, Any] | None = None, stack: str = STACK) -> settings.Settings:
    parsed = settings.parse(config or {}, framework.REGISTRY, stack=stack, today=TODAY)
    CALL.publish(parsed)
    return parsed


@pytest.fixture(autouse=True)
def _pinned_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts on TODAY, in stack dev, with empty settings and an empty disclosure queue."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setenv("PULUMI_STACK", STACK)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    monkeypatch.delenv("PULUMI_PROJECT", raising=False)
    use_settings({})
    CALL.reset()
    yield
    CALL.publish(None)
    CALL.reset()


# ---------------------------------------------------------------------------------------------
# Outcome coverage (outcome_coverage.py): note what the session runs, and check it last.


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    SELECTION.note_items(item.path for item in items)
    last = [item for item in items if item.path.name == COVERAGE_TEST]
    items[:] = [item for item in items if item.path.name != COVERAGE_TEST] + last


def pytest_deselected(items: Sequence[pytest.Item]) -> None:
    SELECTION.note_deselected(item.path for item in items)
