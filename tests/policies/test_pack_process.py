"""The pack as the Pulumi CLI runs it: its own process, driven over the analyzer gRPC protocol.

One process for the module (starting it takes about a second): GetAnalyzerInfo, Configure from a
policy config like stacks/<stack>.policy.json, Analyze for each registration (providers
included), then AnalyzeStack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2
from sovereign_guard import ALL_POLICIES, suppressions

from .conftest import (
    BUCKET_SECRETS,
    BUCKET_TYPE,
    DEV_PROVIDER,
    HEALTH_BUCKET,
    HTTPS_IN,
    PROD_PROVIDER,
    PROD_SETTINGS,
    RULE_TYPE,
    SG_TYPE,
    PackProcess,
    analyze_request,
    urn,
)

OS_PROVIDER = "pulumi:providers:openstack"
EXPLICIT = (OS_PROVIDER, "lz-provider", DEV_PROVIDER)
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


@pytest.fixture(scope="module")
def pack() -> Iterator[PackProcess]:
    process = PackProcess(stack="dev")
    try:
        yield process
    finally:
        process.close()


def configure(pack: PackProcess, config: dict[str, dict[str, Any]]) -> None:
    """What the engine sends: an entry for every policy (defaults from its schema), then the file."""
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for policy in info.policies:
        entry = request.policyConfig[policy.name]
        given = dict(config.get(policy.name, {}))
        level = given.pop("enforcementLevel", None)
        entry.enforcementLevel = (
            {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY}[level]
            if level
            else policy.enforcementLevel
        )
        defaults = {k: v["default"] for k, v in policy.configSchema.properties.items() if "default" in v}
        props = {**defaults, **given}
        if props:
            entry.properties.update(props)
    pack.stub.Configure(request, timeout=10)


def mandatory(response: Any) -> list[tuple[str, str]]:
    return [
        (d.policyName, d.message)
        for d in response.diagnostics
        if d.enforcementLevel == analyzer_pb2.MANDATORY
    ]


def analyze(pack: PackProcess, request: Any) -> Any:
    return pack.stub.Analyze(request, timeout=10)


def test_analyzer_info_lists_every_policy_with_metadata(pack: PackProcess) -> None:
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
    assert info.name == "sovereign-guard" and info.supportsConfig
    assert [p.name for p in info.policies] == [p.name for p in ALL_POLICIES]
    admin = next(p for p in info.policies if p.name == "network-admin-port-disallow-public-ingress")
    assert admin.enforcementLevel == analyzer_pb2.MANDATORY
    assert admin.severity == analyzer_pb2.POLICY_SEVERITY_CRITICAL
    assert admin.framework.name == "SecNumCloud" and admin.framework.reference == "9.6.d"
    assert admin.remediation_steps and admin.url and "network" in admin.tags
    assert "adminPorts" in admin.configSchema.properties


def test_mandatory_violations_over_grpc(pack: PackProcess) -> None:
    configure(pack, CONFIG)
    ssh_world = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22}
    all_ports = {k: v for k, v in HTTPS_IN.items() if k not in ("protocol", "portRangeMin", "portRangeMax")}
    no_prefix = {k: v for k, v in ssh_world.items() if k != "remoteIpPrefix"}
    outside = {**DEV_PROVIDER, "authUrl": "https://identity.example.com/v3"}
    cases = [
        (
            analyze_request(RULE_TYPE, "ssh-world", ssh_world, prov=EXPLICIT),
            "network-admin-port-disallow-public",
        ),
        (
            analyze_request(RULE_TYPE, "all-ports", all_ports, prov=EXPLICIT),
            "network-ingress-disallow-public-all",
        ),
        (
            analyze_request(RULE_TYPE, "no-prefix", no_prefix, prov=EXPLICIT),
            "network-admin-port-disallow-public",
        ),
        (
            analyze_request(
                "aws:s3/bucket:Bucket", "b", {"bucket": "x"}, prov=("pulumi:providers:aws", "default", {})
            ),
            "sovereignty-provider-restrict-packages",
        ),
        (
            analyze_request(
                "azure-native:storage:StorageAccount",
                "sa",
                {},
                prov=("pulumi:providers:azure-native", "default", {}),
            ),
            "sovereignty-provider-restrict-packages",
        ),
        (
            analyze_request(
                OS_PROVIDER, "outside", outside, additional_secret_outputs=["applicationCredentialSecret"]
            ),
            "sovereignty-provider-restrict-endpoint",
        ),
    ]
    for request, policy in cases:
        found = mandatory(analyze(pack, request))
        assert any(name.startswith(policy) for name, _ in found), (request.name, found)
    no_prefix_msg = [m for n, m in mandatory(analyze(pack, cases[2][0])) if n.startswith("network-admin")]
    assert "any source" in no_prefix_msg[0]


def test_compliant_baselines_have_no_mandatory_violation(pack: PackProcess) -> None:
    configure(pack, CONFIG)
    requests = [
        analyze_request(
            OS_PROVIDER,
            "lz-provider",
            DEV_PROVIDER,
            additional_secret_outputs=["applicationCredentialSecret"],
        ),
        analyze_request(RULE_TYPE, "https-in", HTTPS_IN, prov=EXPLICIT),
        analyze_request(
            RULE_TYPE,
            "ssh-admins",
            {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "remoteIpPrefix": "203.0.113.0/24"},
            prov=EXPLICIT,
        ),
        analyze_request(SG_TYPE, "lz-dmz-sg", {"tags": ["zone:dmz", "exposure:public"]}, prov=EXPLICIT),
        analyze_request(
            "openstack:blockstorage/volume:Volume",
            "v",
            {"size": 20, "volumeType": "classic-luks"},
            prov=EXPLICIT,
        ),
        analyze_request(
            BUCKET_TYPE,
            "internal",
            {**HEALTH_BUCKET, "endpointUrl": "https://s3.gra11.io.cloud.ovh.net", "region": "gra11"},
            prov=("pulumi:providers:pulumi-python", "default", {}),
            additional_secret_outputs=BUCKET_SECRETS,
        ),
        analyze_request("sovereign:network:SegmentedNetwork", "lz-net", {}),
    ]
    for request in requests:
        response = analyze(pack, request)
        assert mandatory(response) == [], (request.name, mandatory(response))


def test_suppression_is_disclosed_at_advisory_level(pack: PackProcess) -> None:
    configure(pack, CONFIG)
    ssh = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "description": "Vendor SSH, time-boxed"}
    response = analyze(pack, analyze_request(RULE_TYPE, "vendor-ssh", ssh, prov=EXPLICIT))
    assert mandatory(response) == []
    advisory = [d for d in response.diagnostics if d.policyName == "hygiene-suppression-enforce-disclosure"]
    assert len(advisory) == 1 and advisory[0].enforcementLevel == analyzer_pb2.ADVISORY
    record = suppressions.parse_applied(advisory[0].message)
    assert record and record["urn"] == urn(RULE_TYPE, "vendor-ssh") and record["expires"] == EXPIRES
    # The same rule under another name is still blocked.
    other = analyze(pack, analyze_request(RULE_TYPE, "vendor-ssh-2", ssh, prov=EXPLICIT))
    assert any(n == "network-admin-port-disallow-public-ingress" for n, _ in mandatory(other))


def test_expired_suppression_fails_the_run(pack: PackProcess) -> None:
    expired = {
        "hygiene-policy-config-require-validity": {
            **CONFIG["hygiene-policy-config-require-validity"],
            "suppressions": [
                {
                    **CONFIG["hygiene-policy-config-require-validity"]["suppressions"][0],
                    "expires": "2020-01-01",
                }
            ],
        }
    }
    configure(pack, expired)
    response = analyze(
        pack,
        analyze_request(
            OS_PROVIDER,
            "lz-provider",
            DEV_PROVIDER,
            additional_secret_outputs=["applicationCredentialSecret"],
        ),
    )
    found = mandatory(response)
    assert any(
        n == "hygiene-policy-config-require-validity" and "expired on 2020-01-01" in m for n, m in found
    )


def test_unknown_values_become_preview_diagnostics(pack: PackProcess) -> None:
    configure(pack, CONFIG)
    ssh = {
        **HTTPS_IN,
        "portRangeMin": 22,
        "portRangeMax": 22,
        "remoteIpPrefix": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    }
    response = analyze(pack, analyze_request(RULE_TYPE, "r", ssh, prov=EXPLICIT))
    assert mandatory(response) == []
    assert any("can't run policy" in d.message for d in response.diagnostics)


def analyzer_resource(
    type_: str, name: str, props: dict[str, Any], deps: dict[str, list[str]] | None = None
) -> Any:
    res = analyzer_pb2.AnalyzerResource(type=type_, name=name, urn=urn(type_, name))
    res.properties.update(props)
    for key, urns in (deps or {}).items():
        res.propertyDependencies[key].urns.extend(urns)
        res.dependencies.extend(urns)
    return res


def test_analyze_stack_joins_rules_to_zones(pack: PackProcess) -> None:
    configure(pack, CONFIG)
    # Settings are published by the first Analyze of the run.
    analyze(
        pack,
        analyze_request(
            OS_PROVIDER,
            "lz-provider",
            DEV_PROVIDER,
            additional_secret_outputs=["applicationCredentialSecret"],
        ),
    )
    dmz = analyzer_resource(SG_TYPE, "lz-dmz-sg", {"tags": ["zone:dmz", "exposure:public"]})
    app = analyzer_resource(SG_TYPE, "lz-app-sg", {"tags": ["zone:app", "exposure:private"]})
    good = analyzer_resource(RULE_TYPE, "https-dmz", HTTPS_IN, {"securityGroupId": [dmz.urn]})
    bad = analyzer_resource(RULE_TYPE, "https-app", HTTPS_IN, {"securityGroupId": [app.urn]})
    response = pack.stub.AnalyzeStack(
        analyzer_pb2.AnalyzeStackRequest(resources=[dmz, app, good, bad]), timeout=10
    )
    found = [
        (d.policyName, d.urn) for d in response.diagnostics if d.enforcementLevel == analyzer_pb2.MANDATORY
    ]
    assert found == [("network-ingress-restrict-exposed-zones", bad.urn)]


def test_analyze_stack_compliant_baseline(pack: PackProcess) -> None:
    configure(pack, {"hygiene-policy-config-require-validity": PROD_SETTINGS})
    analyze(pack, analyze_request(OS_PROVIDER, "lz-provider", PROD_PROVIDER))
    dmz = analyzer_resource(SG_TYPE, "lz-dmz-sg", {"tags": ["zone:dmz", "exposure:public"]})
    good = analyzer_resource(RULE_TYPE, "https-dmz", HTTPS_IN, {"securityGroupId": [dmz.urn]})
    response = pack.stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[dmz, good]), timeout=10)
    assert mandatory(response) == []
