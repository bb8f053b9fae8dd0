"""call_setup: the runtime is configured once per thread and environment, a resource's options and
provider once per Analyze call; every policy still sees what pulumi-policy would have given it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy import policy as sdk_policy
from sovereign_guard import call_setup

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)

SEEN: list[Any] = []
SERVICER = sdk_policy._PolicyAnalyzerServicer


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """call_setup installed over counting originals; everything is put back after the test."""
    counts = {"configure": 0, "_get_resource_options": 0, "_get_provider_resource": 0}
    for name in ("Analyze", "AnalyzeStack", "_configure_runtime_settings", *list(counts)[1:]):
        original = getattr(SERVICER, name)
        monkeypatch.setattr(SERVICER, name, original)
        if name in counts:
            monkeypatch.setattr(SERVICER, name, _counting(original, counts, name))
    configure = SERVICER._configure_runtime_settings
    monkeypatch.setattr(SERVICER, "_configure_runtime_settings", _counting(configure, counts, "configure"))
    monkeypatch.delattr(SERVICER, "_sovereign_guard_call_setup", raising=False)
    monkeypatch.setenv("PULUMI_PROJECT", "probe-project")
    monkeypatch.setenv("PULUMI_STACK", "dev")
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    monkeypatch.setenv("PULUMI_CONFIG", '{"probe-project:region": "GRA11"}')
    call_setup._CONFIGURED.environment = None  # as in a fresh pack process
    call_setup.install()
    call_setup.install()  # idempotent
    yield counts
    SEEN.clear()
    call_setup._CONFIGURED.environment = None


def _counting(original: Any, counts: dict[str, int], key: str) -> Any:
    def counting(*args: Any) -> Any:
        counts[key] += 1
        return original(*args)

    counting.__name__ = original.__name__
    return counting


def _servicer(n: int = 5) -> Any:
    policies = [ResourceValidationPolicy(f"sees-{i}", "d", _sees) for i in range(n)]
    level = EnforcementLevel.ADVISORY
    return SERVICER("probe", "0.0.1", policies, level, None, "", None, None, None, None, None)


def _stack_servicer(policy: StackValidationPolicy) -> Any:
    level = EnforcementLevel.ADVISORY
    return SERVICER("probe", "0.0.1", [policy], level, None, "", None, None, None, None, None)


def _sees(args: Any, report: Any) -> None:
    provider = args.provider
    SEEN.append(
        (
            args.opts.protect,
            list(args.opts.ignore_changes),
            args.opts.parent,
            provider.urn if provider else None,
            dict(provider.props) if provider else None,
            pulumi.get_stack(),
            pulumi.Config("probe-project").get("region"),
        )
    )


def _request(
    name: str, *, protect: bool = False, provider: str | None = "GRA11"
) -> analyzer_pb2.AnalyzeRequest:
    request = analyzer_pb2.AnalyzeRequest(
        type="openstack:compute/instance:Instance",
        name=name,
        urn=f"urn:pulumi:dev::probe-project::openstack:compute/instance:Instance::{name}",
        options=analyzer_pb2.AnalyzerResourceOptions(protect=protect, ignoreChanges=["tags"], parent="p"),
    )
    if provider is not None:
        props = struct_pb2.Struct()
        props.update({"region": provider})
        request.provider.type = "pulumi:providers:openstack"
        request.provider.name = "default"
        request.provider.urn = f"urn:prov:{provider}"
        request.provider.properties.CopyFrom(props)
    return request


def test_options_and_provider_are_built_once_per_request_and_seen_by_every_policy(
    counted: dict[str, int],
) -> None:
    servicer = _servicer()
    servicer.Analyze(_request("a", protect=True), None)
    servicer.Analyze(_request("b", provider=None), None)
    assert counted["_get_resource_options"] == 2
    assert counted["_get_provider_resource"] == 2
    expected_a = (True, ["tags"], "p", "urn:prov:GRA11", {"region": "GRA11"}, "dev", "GRA11")
    expected_b = (False, ["tags"], "p", None, None, "dev", "GRA11")
    seen_by_each_policy = [expected_a] * 5 + [expected_b] * 5
    assert seen_by_each_policy == SEEN


def test_outside_an_analyze_call_nothing_is_remembered(counted: dict[str, int]) -> None:
    servicer = _servicer()
    request = _request("a")
    first = servicer._get_resource_options(request)
    assert servicer._get_resource_options(request) is not first
    assert counted["_get_resource_options"] == 2


def test_the_runtime_is_configured_once_per_thread_and_again_when_the_environment_changes(
    counted: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    servicer = _servicer(1)
    for name in "abc":
        servicer.Analyze(_request(name), None)
    assert counted["configure"] == 1
    other = threading.Thread(target=servicer.Analyze, args=(_request("d"), None))
    other.start()
    other.join()
    assert counted["configure"] == 2
    monkeypatch.setenv("PULUMI_STACK", "prod")
    servicer.Analyze(_request("e"), None)
    assert counted["configure"] == 3
    assert [seen[5] for seen in SEEN] == ["dev"] * 4 + ["prod"]


def test_analyze_stack_runs_without_the_collector_and_gives_it_back(counted: dict[str, int]) -> None:
    collector: list[bool] = []

    def sees_collector(args: Any, report: Any) -> None:
        collector.append(gc.isenabled())

    def fails(args: Any, report: Any) -> None:
        raise RuntimeError("a policy crashed")

    servicer = _stack_servicer(StackValidationPolicy("sees", "d", sees_collector))
    failing = _stack_servicer(StackValidationPolicy("fails", "d", fails))
    assert gc.isenabled()
    servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(), None)
    assert collector == [False]
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        failing.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(), None)
    assert gc.isenabled()
    gc.disable()
    try:
        servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(), None)
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_the_collector_comes_back_after_the_last_of_overlapping_calls() -> None:
    off = call_setup._CollectorOff()
    with off:
        with off:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
