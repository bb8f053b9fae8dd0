"""A stack policy lets go of the stack it was given once it is done (framework._let_go): through
pulumi-policy's own AnalyzeStack, the previous policy's copy is emptied while the next policy still
gets a whole copy of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy import policy as sdk_policy
from sovereign_guard import framework

from . import conftest  # noqa: F401  (puts the pack on sys.path before sovereign_guard is imported)
from .doubles import double_meta

SEEN: dict[str, list[Any]] = {}


def _probe(name: str) -> framework.StackValidationPolicy:
    meta = double_meta(
        name, "A test double that keeps the resources it was given.", EnforcementLevel.ADVISORY
    )

    def check(ctx: framework.Context) -> list[str]:
        SEEN[name] = list(ctx.args.resources)
        SEEN[name + ":props"] = [(r.props["name"], list(r.props["tags"])) for r in ctx.args.resources]
        return []

    return framework.stack_policy(meta, check)


@pytest.fixture
def probes() -> Iterator[list[Any]]:
    policies = [_probe("hygiene-probe-first"), _probe("hygiene-probe-second")]
    yield policies
    for p in ("hygiene-probe-first", "hygiene-probe-second"):
        framework.REGISTRY.pop(p)
        framework.POLICIES.pop(p)
    SEEN.clear()


def _resource(name: str) -> analyzer_pb2.AnalyzerResource:
    props = struct_pb2.Struct()
    props.update({"name": name, "tags": ["zone:app"]})
    return analyzer_pb2.AnalyzerResource(
        type="openstack:networking/network:Network",
        name=name,
        urn=f"urn:pulumi:s::p::t::{name}",
        properties=props,
    )


def test_each_stack_policy_gets_the_whole_stack_and_lets_it_go_afterwards(probes: list[Any]) -> None:
    servicer = sdk_policy._PolicyAnalyzerServicer(
        "probe-pack", "0.0.1", probes, EnforcementLevel.ADVISORY, None, "", None, None, None, None, None
    )
    request = analyzer_pb2.AnalyzeStackRequest(resources=[_resource("a"), _resource("b")])
    servicer.AnalyzeStack(request, None)
    for name in ("hygiene-probe-first", "hygiene-probe-second"):
        # While it ran, the policy saw every resource whole...
        assert SEEN[name + ":props"] == [(n, ["zone:app"]) for n in ("a", "b")]
        # ...and once it was done, its copy was emptied (the SDK still held it).
        assert [r.props for r in SEEN[name]] == [{}, {}]
    # Each policy had a copy of its own: the first one's emptying did not reach the second.
    assert SEEN["hygiene-probe-first"][0] is not SEEN["hygiene-probe-second"][0]
