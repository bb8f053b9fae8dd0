"""The pack as the Pulumi CLI runs it: its own process, driven over the analyzer gRPC protocol.

One process for the module (starting it takes about a second): GetAnalyzerInfo, Configure from a
policy config like stacks/<stack>.policy.json, Analyze for each registration (providers
included), then AnalyzeStack, with the helpers of pack_helpers.py (preflight's own launcher and
session: one way to start and drive the pack, tested here against it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2
from sovereign_guard import ALL_POLICIES

from preflight.pack import PackSession
from preflight.wire import UNKNOWN

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
    applied_record,
    urn,
)
from .pack_helpers import (
    CONFIG,
    EXPIRES,
    EXPLICIT,
    OS_PROVIDER,
    RPC_TIMEOUT,
    analyze,
    analyze_request,
    analyze_stack,
    analyzer_resource,
    configure,
    explicit_provider_request,
    mandatory,
    pack_process,
)


@pytest.fixture(scope="module")
def pack() -> Iterator[PackSession]:
    with pack_process("dev") as session:
        yield session


def test_analyzer_info_lists_every_policy_with_metadata(pack: PackSession) -> None:
    # The raw reply, not PackSession.info(): the pack's own policy order is asserted.
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=RPC_TIMEOUT)
    assert info.name == "sovereign-guard" and info.supportsConfig
    assert [p.name for p in info.policies] == [p.name for p in ALL_POLICIES]
    admin = next(p for p in info.policies if p.name == "network-admin-port-disallow-public-ingress")
    assert admin.enforcementLevel == analyzer_pb2.MANDATORY
    assert admin.severity == analyzer_pb2.POLICY_SEVERITY_CRITICAL
    assert admin.framework.name == "SecNumCloud" and admin.framework.reference == "9.6.d"
    assert admin.remediation_steps and admin.url and "network" in admin.tags
    assert "adminPorts" in admin.configSchema.properties


def test_mandatory_violations_over_grpc(pack: PackSession) -> None:
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
        (
            # options.protect reaches the pack: an unprotected volume is refused.
            analyze_request(
                "openstack:blockstorage/volume:Volume",
                "unprotected",
                {"size": 20, "volumeType": "classic-luks"},
                prov=EXPLICIT,
            ),
            "data-protection-stateful-require-protect",
        ),
    ]
    for request, policy in cases:
        found = mandatory(analyze(pack, request))
        assert any(name.startswith(policy) for name, _ in found), (request.name, found)
    no_prefix_msg = [m for n, m in mandatory(analyze(pack, cases[2][0])) if n.startswith("network-admin")]
    assert "any source" in no_prefix_msg[0]


def test_compliant_baselines_have_no_mandatory_violation(pack: PackSession) -> None:
    configure(pack, CONFIG)
    requests = [
        explicit_provider_request(),
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
            protect=True,
        ),
        analyze_request(
            BUCKET_TYPE,
            "internal",
            # An internal bucket: health data on this unqualified offer is a violation (issue 13).
            {
                **HEALTH_BUCKET,
                "dataClass": "internal",
                "endpointUrl": "https://s3.gra11.io.cloud.ovh.net",
                "region": "gra11",
            },
            prov=("pulumi:providers:pulumi-python", "default", {}),
            additional_secret_outputs=BUCKET_SECRETS,
            protect=True,
        ),
        analyze_request("sovereign:network:SegmentedNetwork", "lz-net", {}),
    ]
    for request in requests:
        response = analyze(pack, request)
        assert mandatory(response) == [], (request.name, mandatory(response))


def test_suppression_is_disclosed_at_advisory_level(pack: PackSession) -> None:
    configure(pack, CONFIG)
    ssh = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "description": "Vendor SSH, time-boxed"}
    response = analyze(pack, analyze_request(RULE_TYPE, "vendor-ssh", ssh, prov=EXPLICIT))
    assert mandatory(response) == []
    advisory = [d for d in response.diagnostics if d.policyName == "hygiene-suppression-enforce-disclosure"]
    assert len(advisory) == 1 and advisory[0].enforcementLevel == analyzer_pb2.ADVISORY
    record = applied_record(advisory[0].message)
    assert record and record["urn"] == urn(RULE_TYPE, "vendor-ssh") and record["expires"] == EXPIRES
    # The same rule under another name is still blocked.
    other = analyze(pack, analyze_request(RULE_TYPE, "vendor-ssh-2", ssh, prov=EXPLICIT))
    assert any(n == "network-admin-port-disallow-public-ingress" for n, _ in mandatory(other))


def test_expired_suppression_fails_the_run(pack: PackSession) -> None:
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
    response = analyze(pack, explicit_provider_request())
    found = mandatory(response)
    assert any(
        n == "hygiene-policy-config-require-validity" and "expired on 2020-01-01" in m for n, m in found
    )


def test_unknown_values_become_preview_diagnostics(pack: PackSession) -> None:
    configure(pack, CONFIG)
    ssh = {
        **HTTPS_IN,
        "portRangeMin": 22,
        "portRangeMax": 22,
        "remoteIpPrefix": UNKNOWN,
    }
    response = analyze(pack, analyze_request(RULE_TYPE, "r", ssh, prov=EXPLICIT))
    assert mandatory(response) == []
    assert any("can't run policy" in d.message for d in response.diagnostics)


def test_analyze_stack_joins_rules_to_zones(pack: PackSession) -> None:
    configure(pack, CONFIG)
    # Settings are published by the first Analyze of the run.
    analyze(pack, explicit_provider_request())
    dmz = analyzer_resource(SG_TYPE, "lz-dmz-sg", {"tags": ["zone:dmz", "exposure:public"]})
    app = analyzer_resource(SG_TYPE, "lz-app-sg", {"tags": ["zone:app", "exposure:private"]})
    good = analyzer_resource(RULE_TYPE, "https-dmz", HTTPS_IN, {"securityGroupId": [dmz.urn]})
    bad = analyzer_resource(RULE_TYPE, "https-app", HTTPS_IN, {"securityGroupId": [app.urn]})
    response = analyze_stack(pack, [dmz, app, good, bad])
    found = [
        (d.policyName, d.urn) for d in response.diagnostics if d.enforcementLevel == analyzer_pb2.MANDATORY
    ]
    assert found == [("network-ingress-restrict-exposed-zones", bad.urn)]


def test_analyze_stack_compliant_baseline(pack: PackSession) -> None:
    configure(pack, {"hygiene-policy-config-require-validity": PROD_SETTINGS})
    analyze(pack, analyze_request(OS_PROVIDER, "lz-provider", PROD_PROVIDER))
    dmz = analyzer_resource(SG_TYPE, "lz-dmz-sg", {"tags": ["zone:dmz", "exposure:public"]})
    good = analyzer_resource(RULE_TYPE, "https-dmz", HTTPS_IN, {"securityGroupId": [dmz.urn]})
    response = analyze_stack(pack, [dmz, good])
    assert mandatory(response) == []


def test_prod_stack_name_beats_a_dev_policy_file_in_the_pack_process() -> None:
    """PULUMI_STACK=prod reaches the pack process (pulumi.policy configures the runtime from it):
    a policy file saying dev does not switch the production checks off."""
    with pack_process("prod") as session:
        configure(session, CONFIG)  # "environment": "dev"
        found = mandatory(analyze(session, explicit_provider_request()))
    names = {name for name, _ in found}
    assert "sovereignty-offer-require-qualification" in names, found
    assert any(
        n == "hygiene-policy-config-require-validity" and "environment sources disagree" in m
        for n, m in found
    ), found
