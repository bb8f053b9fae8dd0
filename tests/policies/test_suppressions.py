"""Reasoned suppressions: validation, application, disclosure, isolation, and failing closed
(the pack settings themselves: test_settings.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sovereign_guard import framework, hygiene, network, settings, suppressions
from sovereign_guard.analysis_call import CALL

from .conftest import (
    DEV_PROVIDER,
    HTTPS_IN,
    RULE_TYPE,
    SG_TYPE,
    TODAY,
    UNKNOWN,
    applied_record,
    run,
    run_pack,
    run_stack,
    stack_resource,
    urn,
    use_settings,
)
from .doubles import crashing_policy

ADMIN_POLICY = "network-admin-port-disallow-public-ingress"
SSH_WORLD = {**HTTPS_IN, "portRangeMin": 22, "portRangeMax": 22, "description": "Temporary vendor SSH access"}


def suppression(**changes: Any) -> dict[str, Any]:
    base = {
        "policy": ADMIN_POLICY,
        "resource": "vendor-ssh",
        "reason": "Vendor maintenance window, ticket CHG-2026-1142",
        "expires": "2027-01-31",
        "approved_by": "Jane Doe (RSSI)",
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


# --- suppression validation --------------------------------------------------------------------


def test_valid_suppression_parses() -> None:
    parsed = use_settings({"suppressions": [suppression()]})
    assert parsed.problems == () and parsed.suppressions[0].expires == dt.date(2027, 1, 31)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reason": "short reason"}, "at least 20 characters"),
        ({"reason": "TODO write the justification later"}, "placeholder"),
        ({"reason": "tbd tbd tbd tbd tbd tbd tbd"}, "placeholder"),
        ({"approved_by": None}, "'approved_by' is missing"),
        ({"approved_by": "xxx"}, "placeholder"),
        ({"expires": "31/01/2027"}, "not an ISO date"),
        ({"expires": "2027-02-30"}, "not an ISO date"),
        ({"expires": "2026-11-28"}, "expired on 2026-11-28"),
        ({"expires": "2030-01-01"}, "more than 366 days away"),
        ({"policy": "no-such-policy"}, "not a policy of this pack"),
        ({"resource": "*"}, "would match every resource"),
        ({"resource": None}, "'resource' is missing"),
        ({"ticket": "CHG-1"}, "unknown field"),
        ({"reason": 42}, "must be a string"),
    ],
)
def test_malformed_or_expired_suppressions_are_rejected(changes: dict[str, Any], expected: str) -> None:
    parsed = use_settings({"suppressions": [suppression(**changes)]})
    assert not parsed.suppressions
    assert expected in parsed.problems[0], parsed.problems


def test_expires_today_is_still_valid() -> None:
    assert use_settings({"suppressions": [suppression(expires=TODAY.isoformat())]}).suppressions


def test_non_list_suppressions_and_non_object_entries() -> None:
    assert "must be a list" in use_settings({"suppressions": "x"}).problems[0]
    assert "must be an object" in use_settings({"suppressions": ["x"]}).problems[0]


def test_rejected_suppression_is_a_mandatory_violation_of_the_settings_policy() -> None:
    config = {"suppressions": [suppression(expires="2026-01-01")]}
    result = run(hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config=config)
    assert hygiene.SETTINGS.enforcement_level.value == "mandatory"
    assert (
        "suppression #1 (network-admin-port-disallow-public-ingress on vendor-ssh): expired on 2026-01-01"
        in (result.text())
    )


# --- suppression application -------------------------------------------------------------------


def test_applied_suppression_moves_the_violation_to_an_advisory_disclosure() -> None:
    results = run_pack(RULE_TYPE, SSH_WORLD, {"suppressions": [suppression()]}, name="vendor-ssh")
    assert results[ADMIN_POLICY].violations == []
    assert results["hygiene-suppression-enforce-disclosure"].violated
    disclosed = results["hygiene-suppression-enforce-disclosure"].violations
    assert len(disclosed) == 1
    assert hygiene.DISCLOSE.enforcement_level.value == "advisory"
    line1, line2 = disclosed[0].splitlines()
    assert line2.startswith("suppression: {")
    assert line1.startswith(
        "[suppressed until 2027-01-31 by Jane Doe (RSSI)] network-admin-port-disallow-public"
    )
    record = applied_record(disclosed[0])
    assert record is not None
    assert record["policy"] == ADMIN_POLICY
    assert record["urn"] == urn(RULE_TYPE, "vendor-ssh")
    assert record["reason"] == "Vendor maintenance window, ticket CHG-2026-1142"
    assert "administration port(s) 22" in record["message"]
    # Other policies on the same resource are not silenced by a suppression of another policy.
    assert results["network-ingress-disallow-public-all-ports"].is_not_applicable


def test_suppressing_one_resource_never_silences_another() -> None:
    config = {"suppressions": [suppression()]}
    other = run_pack(RULE_TYPE, SSH_WORLD, config, name="vendor-ssh-2")
    assert other[ADMIN_POLICY].violated
    assert other["hygiene-suppression-enforce-disclosure"].is_not_applicable


def test_glob_and_urn_patterns() -> None:
    by_glob = {"suppressions": [suppression(resource="vendor-ssh-*")]}
    assert not run_pack(RULE_TYPE, SSH_WORLD, by_glob, name="vendor-ssh-a")[ADMIN_POLICY].violations
    assert run_pack(RULE_TYPE, SSH_WORLD, by_glob, name="vendor-ssh")[ADMIN_POLICY].violated
    by_urn = {"suppressions": [suppression(resource=urn(RULE_TYPE, "vendor-ssh"))]}
    assert not run_pack(RULE_TYPE, SSH_WORLD, by_urn, name="vendor-ssh")[ADMIN_POLICY].violations
    other_stack = {"suppressions": [suppression(resource=urn(RULE_TYPE, "vendor-ssh", stack="prod"))]}
    assert run_pack(RULE_TYPE, SSH_WORLD, other_stack, name="vendor-ssh")[ADMIN_POLICY].violated


def test_expired_suppression_is_not_applied_and_the_violation_says_why() -> None:
    config = {"suppressions": [suppression(expires="2026-06-30")]}
    results = run_pack(RULE_TYPE, SSH_WORLD, config, name="vendor-ssh")
    assert "not suppressed: suppression #1" in results[ADMIN_POLICY].text()
    assert "expired on 2026-06-30" in results[ADMIN_POLICY].text()


def test_settings_policy_cannot_be_suppressed() -> None:
    parsed = use_settings(
        {"suppressions": [suppression(policy=hygiene.SETTINGS_POLICY, resource="default*")]}
    )
    assert parsed.suppressions  # well-formed; but the policy itself ignores suppressions
    config = {
        "suppressions": [
            suppression(policy=hygiene.SETTINGS_POLICY, resource="default*"),
            suppression(expires="2020-01-01"),
        ]
    }
    result = run(
        hygiene.SETTINGS,
        "pulumi:providers:openstack",
        DEV_PROVIDER,
        prov=None,
        name="default_5_5_3",
        config=config,
    )
    assert result.violated


def test_stack_policy_suppression_is_disclosed_by_the_stack_disclosure() -> None:
    sg = stack_resource(SG_TYPE, "lz-app-sg", {"tags": ["zone:app", "exposure:private"]})
    rule = stack_resource(
        RULE_TYPE, "https-into-app", {**HTTPS_IN, "securityGroupId": UNKNOWN}, deps={"securityGroupId": [sg]}
    )
    other = stack_resource(
        RULE_TYPE,
        "https-into-app-2",
        {**HTTPS_IN, "securityGroupId": UNKNOWN},
        deps={"securityGroupId": [sg]},
    )
    use_settings(
        {
            "suppressions": [
                suppression(policy="network-ingress-restrict-exposed-zones", resource="https-into-app")
            ]
        }
    )
    result = run_stack(network.EXPOSED_ZONES, [sg, rule, other])
    assert result.reported_urns == [other.urn]
    disclosed = run_stack(hygiene.DISCLOSE_STACK, [sg, rule, other])
    assert disclosed.violated and disclosed.reported_urns == [rule.urn]
    assert disclosed.violations[0].startswith("[suppressed until 2027-01-31 by Jane Doe (RSSI)]")


def test_disclosure_not_applicable_without_suppressions() -> None:
    CALL.reset()
    assert run(hygiene.DISCLOSE, RULE_TYPE, HTTPS_IN).is_not_applicable
    assert run_stack(hygiene.DISCLOSE_STACK, []).is_not_applicable


# --- a crashing check --------------------------------------------------------------------------


def test_a_crashing_check_fails_closed_without_leaking_its_error_text(
    capfd: pytest.CaptureFixture[str],
) -> None:
    name = "hygiene-test-crash-require-nothing"

    def crash(ctx: framework.Context) -> None:
        raise ValueError(f"bad value {ctx.args.props['password']!r}")

    with crashing_policy(name, crash) as policy:
        result = run(policy, "openstack:compute/instance:Instance", {"password": "hunter2-secret"})
    assert len(result.violations) == 1
    message = result.violations[0]
    assert name in message and "ValueError" in message and "treated as a violation" in message
    assert "hunter2" not in message
    out, err = capfd.readouterr()
    assert out == ""  # stdout carries the pack's port line
    assert "hunter2-secret" in err and name in err


def test_the_pack_writes_records_and_carries_no_parser_of_its_own() -> None:
    # Report tools parse records with their own reader (preflight/suppression_records.py); the pack's copy
    # was used only by tests and duplicated it.
    assert not hasattr(suppressions, "parse_applied") and not hasattr(suppressions, "RECORD_RE")
    message = suppressions.applied_message(
        settings.parse({"suppressions": [suppression()]}, framework.REGISTRY, today=TODAY).suppressions[0],
        ADMIN_POLICY,
        urn(RULE_TYPE, "vendor-ssh"),
        "first line\nsecond line",
    )
    record = applied_record(message)
    assert record is not None and record["message"] == "first line\nsecond line"
    assert message.splitlines()[0].endswith(f"{ADMIN_POLICY}: first line")
