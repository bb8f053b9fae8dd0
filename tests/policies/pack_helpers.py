"""Driving the pack as the Pulumi CLI runs it: its own process, over the analyzer gRPC protocol.

The process and the gRPC session are preflight's own (preflight.process, preflight.pack): one way
to start and drive the pack, used by test_pack_process.py and test_pack_order.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import analyzer_pb2

from preflight.pack import PackSession
from preflight.pack_config import read_policy_config, reconcile_policy_config
from preflight.process import PackProcess, load_pack_project

from .conftest import DEV_PROVIDER, PACK_DIR, PROJECT, STACK, urn

OS_PROVIDER = "pulumi:providers:openstack"
EXPLICIT = (OS_PROVIDER, "lz-provider", DEV_PROVIDER)
RPC_TIMEOUT = 10.0
# The pack process runs on the real clock: a suppression valid for the next 60 days.
EXPIRES = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=60)).isoformat()
CONFIG = {
    "hygiene-policy-config-require-validity": {
        "enforcementLevel": "mandatory",
        "environment": "dev",
        "exposedZones": ["dmz"],
        "adminSourceCidrs": ["203.0.113.0/24"],
        "suppressions": [
            {
                "policy": "network-admin-port-disallow-public-ingress",
                "resource": "vendor-ssh",
                "reason": "Vendor maintenance window, ticket CHG-2026-1142",
                "expires": EXPIRES,
                "approved_by": "Jane Doe (RSSI)",
            }
        ],
    }
}


@contextlib.contextmanager
def pack_process(stack: str = "dev") -> Iterator[PackSession]:
    """`python -u -m pulumi.policy <engine> .` in policies/, started and connected by preflight.

    The pack gets this environment minus its PULUMI_* and OS_* variables, so that what a developer's
    shell exports cannot change the test."""
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith(("PULUMI_", "OS_"))]:
            env.delenv(key)
        process = PackProcess(load_pack_project(PACK_DIR), project=PROJECT, stack=stack, config={})
    try:
        session = PackSession(process, process.wait_port(30), rpc_timeout=RPC_TIMEOUT)
        try:
            yield session
        finally:
            session.close()
    finally:
        process.close()


def configure(pack: PackSession, config: dict[str, dict[str, Any]]) -> None:
    """What the engine sends: an entry for every policy (defaults from its schema), then the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dev.policy.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        given = read_policy_config(path)
    info = pack.info(pack.process.pack.version, pack.process.pack.description)
    pack.configure(reconcile_policy_config(info, given, "the test's policy config"))


def explicit_provider_request() -> Any:
    """The dev stack's explicit provider (EXPLICIT) analysed as a resource of its own, its
    application credential secret declared in additionalSecretOutputs."""
    return analyze_request(
        OS_PROVIDER, "lz-provider", DEV_PROVIDER, additional_secret_outputs=["applicationCredentialSecret"]
    )


def mandatory(response: Any) -> list[tuple[str, str]]:
    return [
        (d.policyName, d.message)
        for d in response.diagnostics
        if d.enforcementLevel == analyzer_pb2.MANDATORY
    ]


def analyze(pack: PackSession, request: Any) -> Any:
    [(_, response)] = pack.analyze_all([request])
    return response


def analyzer_resource(
    type_: str, name: str, props: dict[str, Any], deps: dict[str, list[str]] | None = None
) -> Any:
    res = analyzer_pb2.AnalyzerResource(type=type_, name=name, urn=urn(type_, name))
    res.properties.update(props)
    for key, urns in (deps or {}).items():
        res.propertyDependencies[key].urns.extend(urns)
        res.dependencies.extend(urns)
    return res


def analyze_stack(pack: PackSession, resources: list[Any]) -> Any:
    # On the stub, not PackSession.analyze_stack(): that one reads UNIMPLEMENTED as "no finding",
    # which would let the compliant baseline below pass without the pack ever analysing the stack.
    return pack.stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources), timeout=RPC_TIMEOUT)


# Analyzer requests, as the engine sends them to the pack process.


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
