"""Shared helpers for the sovereign-guard tests.

- `run(policy, type, props, ...)` evaluates one policy the way the analyzer does: the wire
  properties (camelCase) go through a protobuf Struct, pulumi-policy's own deserializer and its
  unknown-value proxy, exactly as `_PolicyAnalyzerServicer.Analyze` builds them.
- `run_stack(policy, resources)` does the same for stack policies (AnalyzeStack's shape).
- `analyze_request(...)` builds an AnalyzeRequest for the pack process, which test_pack_process.py
  starts and drives with preflight's own launcher and analyzer session.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    ReportViolation,
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
    violations: list[str] = field(default_factory=list)
    not_applicable: str | None = None
    unknown: str | None = None
    reported_urns: list[str | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations and self.unknown is None

    def text(self) -> str:
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


def _validate(validate: Callable[[Any, ReportViolation], object], args: Any) -> Result:
    """Call a policy's validate; collect its violations, its not-applicable reason or the unknown it read."""
    result = Result()

    def report(message: str, urn_: str | None = None) -> None:
        result.violations.append(message)
        result.reported_urns.append(urn_)

    try:
        validate(args, report)
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
    return _validate(policy.validate, resource_args(type_, props, **kwargs))


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
    return _validate(
        policy.validate, _StackArgs(list(resources), dict(config) if config is not None else None)
    )


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
# Baseline wire properties, as the program sends them.

DEV_PROVIDER = {
    "authUrl": "https://auth.cloud.ovh.net/v3",
    "region": "GRA11",
    "insecure": "false",
    "applicationCredentialId": "0123456789abcdef",
    "applicationCredentialSecret": secret("s3cr3t-from-config"),
    "version": "5.5.3",
}
PROD_PROVIDER = {
    "authUrl": "https://keystone.eu-west-rbx-snc.example.fr/v3",
    "region": "eu-west-rbx-snc",
    "insecure": "false",
    "version": "5.5.3",
}
PROD_SETTINGS = {
    "environment": "prod",
    "exposedZones": ["dmz"],
    "adminSourceCidrs": ["198.51.100.0/24"],
    "approvedEndpoints": [
        {
            "url": "https://keystone.eu-west-rbx-snc.example.fr/v3",
            "offer": "ovh-snc",
            "regions": ["eu-west-rbx-snc"],
            "service": "identity",
            "approved_by": "Jane Doe (RSSI)",
        }
    ],
}
RULE_TYPE = "openstack:networking/secGroupRule:SecGroupRule"
SG_TYPE = "openstack:networking/secGroup:SecGroup"
HTTPS_IN = {
    "direction": "ingress",
    "ethertype": "IPv4",
    "protocol": "tcp",
    "portRangeMin": 443,
    "portRangeMax": 443,
    "remoteIpPrefix": "0.0.0.0/0",
    "securityGroupId": UNKNOWN,
    "description": "Public HTTPS entry point of the platform portal",
}
BUCKET_TYPE = "pulumi-python:dynamic/object_storage:EncryptedBucket"
HEALTH_BUCKET = {
    "bucketName": "health-data",
    "endpointUrl": "https://s3-beta.eu-west-rbx-snc.cloud.snc.ovh.net",
    "region": "eu-west-rbx-snc",
    "purpose": "data",
    "dataClass": "health",
    "custody": "customer-held",
    "encryption": "SSE-C",
    "versioning": True,
    "blockPublicAccess": True,
    "denyInsecureTransport": True,
    "accessKeyId": secret("AKID"),
    "secretAccessKey": secret("very-secret"),
}
BUCKET_SECRETS = ["accessKeyId", "secretAccessKey"]


# ---------------------------------------------------------------------------------------------
# Analyzer requests, as the engine sends them to the pack process (test_pack_process.py).


def analyze_request(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    *,
    prov: tuple[str, str, Mapping[str, Any]] | None = None,
    additional_secret_outputs: Sequence[str] = (),
    stack: str = STACK,
    protect: bool = False,
) -> Any:
    from pulumi.runtime.proto import analyzer_pb2

    request = analyzer_pb2.AnalyzeRequest(type=type_, name=name, urn=urn(type_, name, stack))
    request.properties.update(dict(props))
    request.options.additionalSecretOutputs.extend(additional_secret_outputs)
    request.options.protect = protect
    if prov is not None:
        ptype, pname, pprops = prov
        request.provider.type = ptype
        request.provider.name = pname
        request.provider.urn = urn(ptype, pname, stack)
        request.provider.properties.update(dict(pprops))
    return request
