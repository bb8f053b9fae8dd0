"""Pack settings: the environment and its sources, validation problems, and their publication."""

from __future__ import annotations

from typing import Any

import pytest
from sovereign_guard import framework, hygiene, settings
from sovereign_guard.analysis_call import CALL

from .conftest import (
    DEV_PROVIDER,
    HTTPS_IN,
    RULE_TYPE,
    TODAY,
    run,
    run_pack,
)

# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "environment"),
    [
        ("dev", "dev"),
        ("prod", "prod"),
        ("staging", "staging"),
        ("acme-dev", "dev"),
        ("eu-health", "prod"),
        ("", "prod"),
    ],
)
def test_environment_from_stack_name_unknown_is_prod(stack: str, environment: str) -> None:
    assert settings.parse({}, framework.REGISTRY, stack=stack, today=TODAY).environment == environment


def parse_env(config: dict[str, Any], stack: str, program: str | None = None) -> settings.Settings:
    program_config = {} if program is None else {"sovereign-landing-zone:environment": program}
    return settings.parse(
        config,
        framework.REGISTRY,
        stack=stack,
        today=TODAY,
        program_config=program_config,
        project="sovereign-landing-zone",
    )


def disagreement(parsed: settings.Settings) -> list[str]:
    return [p for p in parsed.problems if "environment sources disagree" in p]


@pytest.mark.parametrize(
    ("config", "stack", "program"),
    [
        ({"environment": "dev"}, "dev", "dev"),
        ({"environment": "prod"}, "prod", "prod"),
        ({}, "acme-dev", None),
    ],
)
def test_environment_sources_that_agree(config: dict[str, Any], stack: str, program: str | None) -> None:
    parsed = parse_env(config, stack, program)
    assert parsed.environment == (config.get("environment") or "dev")
    assert parsed.problems == ()


def test_environment_config_on_an_unknown_stack_name_is_not_a_disagreement() -> None:
    parsed = parse_env({"environment": "dev"}, "alice", None)
    assert (parsed.environment, parsed.environment_source, parsed.problems) == ("dev", "config", ())


@pytest.mark.parametrize(
    ("config", "stack", "program", "source"),
    [
        ({"environment": "dev"}, "prod", None, "stack name 'prod'"),  # the reviewer's case
        ({"environment": "dev"}, "production", "dev", "stack name 'production'"),
        ({"environment": "staging"}, "prod-eu", None, "stack name 'prod-eu'"),  # prod word anywhere
        ({"environment": "dev"}, "dev", "prod", "program config sovereign-landing-zone:environment"),
        ({}, "dev", "production", "program config sovereign-landing-zone:environment"),
        ({"environment": "prod"}, "dev", "dev", "config"),
    ],
)
def test_environment_strictest_source_wins_and_disagreement_is_a_problem(
    config: dict[str, Any], stack: str, program: str | None, source: str
) -> None:
    parsed = parse_env(config, stack, program)
    assert (parsed.environment, parsed.environment_source) == ("prod", source)
    assert len(disagreement(parsed)) == 1, parsed.problems
    assert "the strictest, prod, applies" in disagreement(parsed)[0]


def test_environment_invalid_program_config_counts_as_prod() -> None:
    parsed = parse_env({"environment": "dev"}, "dev", "live-ish")
    assert parsed.environment == "prod"
    assert any("'live-ish' is not one of dev, staging, prod" in p for p in parsed.problems)


def test_environment_read_from_the_pack_process_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the CLI and preflight set for the pack process (pulumi.policy copies them into the runtime).
    monkeypatch.setenv("PULUMI_STACK", "dev")
    monkeypatch.setenv("PULUMI_PROJECT", "sovereign-landing-zone")
    monkeypatch.setenv("PULUMI_CONFIG", '{"sovereign-landing-zone:environment": "prod"}')
    parsed = settings.parse({"environment": "dev"}, framework.REGISTRY, today=TODAY)
    assert parsed.environment == "prod" and disagreement(parsed)
    CALL.publish(None)
    assert CALL.settings().environment == "prod"  # the fallback without the settings policy too


def test_prod_stack_with_a_dev_policy_file_still_requires_qualification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULUMI_STACK", "prod")
    CALL.publish(None)
    results = run_pack("pulumi:providers:openstack", DEV_PROVIDER, {"environment": "dev"}, prov=None)
    assert "not SecNumCloud-qualified" in results["sovereignty-offer-require-qualification"].text()
    problems = results[hygiene.SETTINGS_POLICY].violations
    assert any(v.startswith("policy config: the environment sources disagree") for v in problems), problems
    # Not applicable when every source says dev.
    monkeypatch.setenv("PULUMI_STACK", "dev")
    results = run_pack("pulumi:providers:openstack", DEV_PROVIDER, {"environment": "dev"}, prov=None)
    assert results["sovereignty-offer-require-qualification"].is_not_applicable
    assert results[hygiene.SETTINGS_POLICY].ok


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"environment": "production"}, "treated as prod"),
        ({"adminSourceCidrs": ["0.0.0.0/0"]}, "wider than /16"),
        ({"adminSourceCidrs": ["10.0.0.1/33"]}, "not a valid CIDR"),
        ({"adminSourceCidrs": ["10.0.0.1/24"]}, "not a valid CIDR"),  # host bits set
        (
            {
                "approvedEndpoints": [
                    {
                        "url": "http://x",
                        "offer": "ovh-snc",
                        "regions": ["r"],
                        "service": "identity",
                        "approved_by": "Jane",
                    }
                ]
            },
            "https://",
        ),
        (
            {
                "approvedEndpoints": [
                    {
                        "url": "https://x",
                        "offer": "nope",
                        "regions": ["r"],
                        "service": "identity",
                        "approved_by": "Jane",
                    }
                ]
            },
            "not a catalogue offer",
        ),
        ({"offerOverrides": {"ovh-public-cloud": {"secnumcloud": "qualified"}}}, "approved_by"),
        ({"maxSuppressionDays": 0}, "maxSuppressionDays"),
    ],
)
def test_invalid_settings_are_problems(config: dict[str, Any], expected: str) -> None:
    parsed = settings.parse(config, framework.REGISTRY, stack="dev", today=TODAY)
    assert any(expected in p for p in parsed.problems), parsed.problems


def test_settings_problems_are_reported_on_the_first_provider_only() -> None:
    config = {"adminSourceCidrs": ["0.0.0.0/0"]}
    first = run(hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config=config)
    assert first.violated and len(first.violations) == 1
    second = run(hygiene.SETTINGS, "pulumi:providers:random", {}, prov=None, config=config)
    assert second.is_not_applicable and "once per run" in (second.not_applicable or "")
    # Other settings are a new judgement: their problems are reported again, once.
    other = {"adminSourceCidrs": ["198.50.0.0/15"]}
    assert run(hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config=other).violated
    assert run(
        hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config=other
    ).is_not_applicable


def test_settings_policy_reports_problems_on_providers_only() -> None:
    config = {"adminSourceCidrs": ["0.0.0.0/0"]}
    on_provider = run(hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config=config)
    assert on_provider.violations and on_provider.violations[0].startswith("policy config: adminSourceCidrs")
    assert run(hygiene.SETTINGS, RULE_TYPE, HTTPS_IN, config=config).is_not_applicable
    assert run(hygiene.SETTINGS, "pulumi:providers:openstack", DEV_PROVIDER, prov=None, config={}).ok


def test_settings_policy_publishes_for_the_policies_after_it() -> None:
    CALL.publish(None)
    run(hygiene.SETTINGS, RULE_TYPE, HTTPS_IN, config={"environment": "staging", "exposedZones": ["dmz"]})
    assert CALL.settings().environment == "staging"
    assert CALL.settings().exposed_zones == {"dmz"}


def test_fallback_when_settings_policy_has_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    CALL.publish(None)
    monkeypatch.setenv("PULUMI_STACK", "something")
    fallback = CALL.settings()
    assert fallback.environment == "prod" and not fallback.published and not fallback.suppressions
