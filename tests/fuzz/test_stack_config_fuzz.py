"""Mutated stack configs through the program's own parsing and planning, in process (fast).

Whatever the mutation, the program either plans the stack or stops with one ConfigError that names
a key of the stack file; any other exception is a crash a user would see as a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.landing_zone import plan_landing_zone
from components.stack_config import parse_stack_config
from tests.fuzz.conftest import budget, tally
from tests.fuzz.mutations import mutated
from tests.support import PROJECT, as_cli_config, stack_copy

TODAY = dt.date(2026, 11, 29)
BASES = {name: stack_copy(name) for name in ("dev", "prod")}


def _cases() -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    return st.sampled_from(sorted(BASES)).flatmap(lambda s: mutated(BASES[s]).map(lambda m: (s, *m)))


def _check(suite: str, raw: dict[str, Any]) -> None:
    try:
        plan_landing_zone(parse_stack_config(raw, today=TODAY))
    except ConfigError as err:
        message = str(err)
        assert err.key.split(":", 1)[0] in (PROJECT, "openstack"), message
        assert "\n" not in message
        for internal in ("lax-or-strict", "function-plain", "json-or-python", "Traceback"):
            assert internal not in message
        tally(suite, "refused with a key (exit 2)")
    else:
        tally(suite, "planned (exit 0 or 1 by the pack)")


@budget(150)
@given(_cases())
def test_mutated_config_as_yaml_gives_it_plans_or_names_a_key(case: tuple[str, str, dict[str, Any]]) -> None:
    _, _what, raw = case
    _check("stack config (YAML values)", raw)


@budget(80)
@given(_cases())
def test_mutated_config_as_the_cli_passes_it_plans_or_names_a_key(
    case: tuple[str, str, dict[str, Any]],
) -> None:
    _, _what, raw = case
    prefix = f"{PROJECT}:"
    _check("stack config (CLI strings)", {k[len(prefix) :]: v for k, v in as_cli_config(raw).items()})
