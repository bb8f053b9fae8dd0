"""lazy_props: a policy that never reads a resource's properties costs no conversion, and one that
does reads exactly what pulumi-policy would have given it, unknown values included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy import policy as sdk_policy
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from sovereign_guard import lazy_props, message_dicts

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)

READ: list[Any] = []


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Install both shims as the pack does, counting the Struct conversions they make; every
    replaced attribute is put back after the test."""
    seen: list[Any] = []
    for name in ("json_format", "deserialize_properties", "unknown_checking_proxy"):
        monkeypatch.setattr(sdk_policy, name, getattr(sdk_policy, name))
    for name in ("Analyze", "AnalyzeStack"):
        monkeypatch.setattr(
            sdk_policy._PolicyAnalyzerServicer, name, getattr(sdk_policy._PolicyAnalyzerServicer, name)
        )
    real = sdk_policy.json_format.MessageToDict

    def counting(message: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(message)
        return real(message, *args, **kwargs)

    monkeypatch.setattr(message_dicts.json_format, "MessageToDict", counting)
    message_dicts.install()
    lazy_props.install()
    lazy_props.install()  # idempotent
    yield seen
    READ.clear()


def _servicer(*policies: ResourceValidationPolicy) -> Any:
    return sdk_policy._PolicyAnalyzerServicer(
        "probe", "0.0.1", list(policies), EnforcementLevel.ADVISORY, None, "", None, None, None, None, None
    )


def _request(**props: Any) -> analyzer_pb2.AnalyzeRequest:
    s = struct_pb2.Struct()
    s.update(props)
    return analyzer_pb2.AnalyzeRequest(type="t:m:T", name="n", urn="urn:pulumi:s::p::t:m:T::n", properties=s)


def _ignores(args: Any, report: Any) -> None:
    READ.append(args.resource_type)


def _reads(args: Any, report: Any) -> None:
    READ.append((sorted(args.props), args.props.get("region")))
    args.props["region"] = "changed by this policy only"


def _reads_unknown(args: Any, report: Any) -> None:
    READ.append(args.props["image"])


def test_a_policy_that_never_reads_the_properties_costs_no_conversion(conversions: list[Any]) -> None:
    servicer = _servicer(*(ResourceValidationPolicy(f"ignores-{i}", "d", _ignores) for i in range(5)))
    servicer.Analyze(_request(region="GRA11", tags=["a"]), None)
    assert READ == ["t:m:T"] * 5
    assert conversions == []


def test_each_reading_policy_gets_the_sdk_s_values_in_containers_of_its_own(conversions: list[Any]) -> None:
    servicer = _servicer(
        ResourceValidationPolicy("reads-1", "d", _reads), ResourceValidationPolicy("reads-2", "d", _reads)
    )
    servicer.Analyze(_request(region="GRA11", tags=["a"]), None)
    # The second policy does not see the first one's change; the Struct was converted once.
    assert READ == [(["region", "tags"], "GRA11")] * 2
    assert len(conversions) == 1


def test_an_unknown_value_read_lazily_is_the_sdk_s_preview_advisory(conversions: list[Any]) -> None:
    response = _servicer(ResourceValidationPolicy("reads-unknown", "d", _reads_unknown)).Analyze(
        _request(image=UNKNOWN_STRING_VALUE), None
    )
    (diag,) = response.diagnostics
    assert "can't run policy 'reads-unknown'" in diag.message and "during preview" in diag.message
    assert diag.enforcementLevel == analyzer_pb2.ADVISORY


def test_outside_analyze_the_conversion_is_the_sdk_s(conversions: list[Any]) -> None:
    # Configure reads the policy config with MessageToDict and needs the dict itself.
    s = struct_pb2.Struct()
    s.update({"allowed": ["GRA11"]})
    assert sdk_policy.json_format.MessageToDict(s) == {"allowed": ["GRA11"]}
    assert sdk_policy.deserialize_properties({"a": 1}) == {"a": 1}
