"""The settings-first, disclosure-last contract (sovereign_guard/analysis_call.py), in a real pack.

Each test starts a fresh pack process, so that no earlier call has published settings: the first
Analyze call must both apply a suppression (the settings policy ran before the suppressed policy)
and disclose it (the disclosure policy ran after it). Moving any of the three policies breaks one
of these; `check_order` also refuses to start such a pack, which fails these tests as well.
"""

from __future__ import annotations

from pulumi.runtime.proto import analyzer_pb2
from sovereign_guard import hygiene

from .conftest import HTTPS_IN, RULE_TYPE, SG_TYPE, applied_record, urn
from .pack_helpers import (
    CONFIG,
    EXPLICIT,
    analyze,
    analyze_request,
    analyze_stack,
    analyzer_resource,
    configure,
    explicit_provider_request,
    mandatory,
    pack_process,
)

ADMIN_POLICY = "network-admin-port-disallow-public-ingress"
ZONES_POLICY = "network-ingress-restrict-exposed-zones"
SSH = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "description": "Vendor SSH, time-boxed"}


def test_the_first_call_of_a_fresh_pack_applies_and_discloses_its_suppression() -> None:
    with pack_process("dev") as session:
        configure(session, CONFIG)  # suppresses ADMIN_POLICY on vendor-ssh
        response = analyze(session, analyze_request(RULE_TYPE, "vendor-ssh", SSH, prov=EXPLICIT))
    # The engine lists not-applicable answers in the order the policies ran: the settings policy
    # (not applicable to a rule, but it opened the call) answered first.
    assert response.not_applicable[0].policy_name == hygiene.SETTINGS_POLICY
    assert mandatory(response) == [], "the suppression was not applied in the first call"
    disclosed = [d for d in response.diagnostics if d.policyName == hygiene.DISCLOSE.name]
    assert len(disclosed) == 1, "the suppressed finding was not disclosed in the same call"
    assert disclosed[0].enforcementLevel == analyzer_pb2.ADVISORY
    record = applied_record(disclosed[0].message)
    assert record and record["policy"] == ADMIN_POLICY and record["urn"] == urn(RULE_TYPE, "vendor-ssh")


def test_analyze_stack_discloses_a_suppressed_stack_finding() -> None:
    settings = dict(CONFIG[hygiene.SETTINGS_POLICY])
    moved = {**settings["suppressions"][0], "policy": ZONES_POLICY, "resource": "https-app"}
    settings["suppressions"] = [moved]
    app = analyzer_resource(SG_TYPE, "lz-app-sg", {"tags": ["zone:app", "exposure:private"]})
    rule = analyzer_resource(RULE_TYPE, "https-app", HTTPS_IN, {"securityGroupId": [app.urn]})
    with pack_process("dev") as session:
        configure(session, {hygiene.SETTINGS_POLICY: settings})
        analyze(session, explicit_provider_request())  # the run's Analyze calls come first
        response = analyze_stack(session, [app, rule])
    assert mandatory(response) == [], "the stack suppression was not applied"
    disclosed = [d for d in response.diagnostics if d.policyName == hygiene.DISCLOSE_STACK.name]
    assert [d.urn for d in disclosed] == [rule.urn], "the suppressed stack finding was not disclosed"
    record = applied_record(disclosed[0].message)
    assert record and record["policy"] == ZONES_POLICY
