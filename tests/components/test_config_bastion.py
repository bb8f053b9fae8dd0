"""The bastion's jump targets and second factor: bad values refused in one line naming the user's key
(docs/bastion.md)."""

from __future__ import annotations

from typing import Any

import pytest

from components.stack_config import parse_stack_config
from tests.components.test_config import TODAY, Mutation, _add_flow, _set, assert_refused
from tests.support import stack_copy


def _jump(*targets: str) -> Mutation:
    def apply(cfg: dict[str, Any]) -> None:
        cfg["bastion"]["permitOpen"] = list(targets)

    return apply


GUARDED = "an address inside a zone the bastion guards"
JUMP_FORMAT = "'address:port', an IPv4 address of a zone and a port 1-65535"


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("10.10.3.10:22", GUARDED),  # the admin zone: where the bastion stands, not where it jumps
        ("192.168.7.7:22", GUARDED),
        ("8.8.8.8:53", GUARDED),
        ("*:22", JUMP_FORMAT),
        ("any", JUMP_FORMAT),
        ("10.10.1.0/24:22", JUMP_FORMAT),
        ("10.10.1.10", JUMP_FORMAT),
        ("10.10.1.10:0", JUMP_FORMAT),
        ("10.10.1.10:70000", JUMP_FORMAT),
        ("app-db.internal:22", JUMP_FORMAT),
        ("10.10.2.10:5432", "port 22, or a port that a flow from admin to data allows"),
    ],
)
def test_bastion_jump_target_outside_the_zones_or_their_flows_is_refused(target: str, allowed: str) -> None:
    assert_refused("dev", _jump("10.10.1.10:22", target), ":bastion.permitOpen[1]", target, allowed)


def test_bastion_jump_target_on_a_declared_admin_flow_is_accepted() -> None:
    cfg = stack_copy("dev")
    admin_consoles = {"from": "admin", "to": "app", "protocol": "tcp", "ports": "8000-8443"}
    _add_flow(**admin_consoles, justification="Administrators reach the application consoles")(cfg)
    _jump("10.10.1.10:8443")(cfg)
    parse_stack_config(cfg, today=TODAY)


def test_bastion_second_factor_is_one_of_the_known_methods() -> None:
    assert_refused(
        "dev", _set("bastion.secondFactor", "sms"), ":bastion.secondFactor", "sms", "'none' or 'totp'"
    )
