"""StackConfig validation: every bad input stops with one message naming key, value and what is allowed."""

from __future__ import annotations

import datetime as dt

import pulumi
import pytest

from components.errors import ConfigError
from components.stack_config import parse_stack_config
from preflight.recorder import RecordingMocks, RecordingMonitor, run_program

# The shared mutations and the table of bad inputs live in config_cases.py; the other config
# tests import them from here, as they always have.
from tests.components.config_cases import BAD_INPUTS, TODAY, Mutation, _add_flow, _set
from tests.support import PROJECT, REPO, as_cli_config, stack_copy

__all__ = ["TODAY", "Mutation", "_add_flow", "_set", "assert_refused"]


@pytest.mark.parametrize(
    ("stack", "mutate", "key", "value", "allowed"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_names_key_value_and_allowed(
    stack: str, mutate: Mutation, key: str, value: str, allowed: str
) -> None:
    assert_refused(stack, mutate, key, value, allowed)


def assert_refused(stack: str, mutate: Mutation, key: str, value: str, allowed: str) -> ConfigError:
    """The mutated stack is refused in one line that holds the key, the value and what is allowed."""
    cfg = stack_copy(stack)
    mutate(cfg)
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(cfg, today=TODAY)
    message = str(caught.value)
    assert key in message
    assert value in message
    assert allowed in message
    assert "\n" not in message
    return caught.value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_are_valid(stack: str) -> None:
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.environment == stack


def test_strings_as_the_cli_passes_them_parse_the_same() -> None:
    raw = stack_copy("dev")
    from_cli = {k.split(":", 1)[1]: v for k, v in as_cli_config(raw).items()}
    assert parse_stack_config(from_cli, today=TODAY) == parse_stack_config(raw, today=TODAY)


def test_qualification_expired_blocks_production() -> None:
    with pytest.raises(ConfigError, match="valid on 2029-08-01"):
        parse_stack_config(stack_copy("prod"), today=dt.date(2029, 8, 1))


def test_private_openstack_needs_its_own_approved_qualification_for_prod() -> None:
    cfg = stack_copy("prod") | {"offer": "private-openstack", "region": "RegionOne", "regionCountry": "FR"}
    # a private cloud's backup region is its own too, declared with its country
    cfg["backups"] = {
        **cfg["backups"],
        "region": "RegionTwo",
        "regionCountry": "FR",
        "s3Endpoint": "https://s3.regiontwo.internal.example",
    }
    with pytest.raises(ConfigError, match="sovereign-landing-zone:offer"):
        parse_stack_config(cfg, today=TODAY)
    cfg["qualification"] = {
        "secnumcloud": "qualified",
        "validUntil": "2027-12-31",
        "approvedBy": "RSSI of the platform",
        "reference": "ANSSI qualification decision 2025-123",
    }
    assert parse_stack_config(cfg, today=TODAY).offer == "private-openstack"


def test_private_openstack_region_country_must_be_eu() -> None:
    cfg = stack_copy("dev") | {
        "offer": "private-openstack",
        "region": "RegionOne",
        "regionCountry": "CH",
        "endpoints": {"keystone": "https://keystone.internal.example/v3"},
    }
    with pytest.raises(ConfigError, match="in the EU"):
        parse_stack_config(cfg, today=TODAY)


def test_secret_keys_never_enter_the_parsed_config() -> None:
    cfg = stack_copy("dev") | {"openstackApplicationCredentialSecret": "s3cr3t-value-never-shown"}
    parsed = parse_stack_config(cfg, today=TODAY)
    assert "s3cr3t-value-never-shown" not in repr(parsed)


def test_config_error_stops_the_program_before_any_resource() -> None:
    """The real __main__.py under the recording engine: nothing registered but the stack itself."""
    cfg = stack_copy("dev")
    cfg["adminCidrs"] = ["0.0.0.0/0"]
    monitor = RecordingMonitor(RecordingMocks(), PROJECT, "test", REPO)
    with pytest.raises(pulumi.RunError, match=r"adminCidrs\[0\]"):
        run_program(REPO, project=PROJECT, stack="test", config=as_cli_config(cfg), monitor=monitor)
    assert [r.type for r in monitor.registrations] == ["pulumi:pulumi:Stack"]
