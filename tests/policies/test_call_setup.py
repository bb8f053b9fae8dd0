"""call_setup: the runtime is configured once per thread and environment, a resource's options and
provider once per Analyze call; every policy still sees what pulumi-policy would have given it."""

from __future__ import annotations

import contextvars
import gc
import json
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy import policy as sdk_policy
from pulumi_policy.proxy import UnknownValueError
from sovereign_guard import ALL_POLICIES, call_setup

from preflight.engine import analyze_requests, with_engine_additions
from preflight.program import run_stack
from preflight.project import load_project
from preflight.secure_config import load_stack_config

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)

REPO = Path(__file__).resolve().parents[2]
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


def test_the_runtime_is_configured_once_for_calls_in_fresh_contexts_and_again_when_the_environment_changes(
    counted: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    servicer = _servicer(1)

    def call(name: str) -> None:  # as gRPC runs every call: in a fresh context
        contextvars.Context().run(servicer.Analyze, _request(name), None)

    for name in "abc":
        call(name)
    other = threading.Thread(target=call, args=("d",))
    other.start()
    other.join()
    assert counted["configure"] == 1
    monkeypatch.setenv("PULUMI_STACK", "prod")
    call("e")
    assert counted["configure"] == 2
    assert [(seen[5], seen[6]) for seen in SEEN] == [("dev", "GRA11")] * 4 + [("prod", "GRA11")]


def test_a_runtime_that_no_longer_reports_the_environment_is_configured_again(
    counted: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    servicer = _servicer(1)
    servicer.Analyze(_request("a"), None)
    # As if the SDK kept settings per context: a fresh call would see none of the first's.
    monkeypatch.setattr(sdk_settings, "get_stack", lambda: None)
    servicer.Analyze(_request("b"), None)
    assert counted["configure"] == 2


def _shared_view(args: Any) -> tuple[Any, ...]:
    """What a policy could change in the options and provider it is given, as plain values."""
    opts, provider = args.opts, args.provider
    timeouts = opts.custom_timeouts
    props: Any = None
    if provider is not None:
        try:
            props = json.dumps(_plain(provider.props), sort_keys=True)
        except UnknownValueError:
            props = "unknown"
    return (
        opts.protect, list(opts.ignore_changes), opts.delete_before_replace, list(opts.aliases),
        (timeouts.create_seconds, timeouts.update_seconds, timeouts.delete_seconds),
        list(opts.additional_secret_outputs), opts.parent,
        None if provider is None else (provider.resource_type, provider.urn, provider.name, props),
    )  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def test_no_policy_of_the_pack_changes_the_options_or_provider_the_policies_share(
    counted: dict[str, int],
) -> None:
    views: list[tuple[str, Any, Any]] = []

    def look(args: Any, report: Any) -> None:
        views.append((args.urn, (id(args.opts), id(args.provider)), _shared_view(args)))

    first, last = ResourceValidationPolicy("first", "d", look), ResourceValidationPolicy("last", "d", look)
    policies = [first, *(p for p in ALL_POLICIES if isinstance(p, ResourceValidationPolicy)), last]
    level = EnforcementLevel.MANDATORY
    servicer = SERVICER("sovereign-guard", "0.0.1", policies, level, None, "", None, None, None, None, None)
    project = load_project(REPO)
    config = load_stack_config(project, "prod")
    requests = analyze_requests(with_engine_additions(run_stack(project, config), config, project.name))
    for request in requests:
        servicer.Analyze(request, None)
    assert len(views) == 2 * len(requests) > 100
    before, after = views[0::2], views[1::2]
    assert before == after  # the same objects, and nothing in them changed between first and last
    assert sum(view[2][-1] is not None for view in before) > 50  # resources with a provider
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
