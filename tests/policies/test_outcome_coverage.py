"""Every registered policy has a test that saw it pass, one that saw it fail and one that saw it not
apply (outcome_coverage.py). conftest.py runs this module after every other test."""

from __future__ import annotations

import pytest
from sovereign_guard import REGISTRY

from .outcome_coverage import (
    COMPLIANT,
    IMPOSSIBLE,
    NOT_APPLICABLE,
    OBSERVED,
    OUTCOMES,
    SELECTION,
    VIOLATING,
    Observed,
)


def test_every_policy_was_seen_compliant_violating_and_not_applicable() -> None:
    why = SELECTION.incomplete()
    if why:
        pytest.skip(f"needs the whole of tests/policies in one session ({why})")
    assert not OBSERVED.contradicted(IMPOSSIBLE), (
        f"outcomes declared impossible in outcome_coverage.py but seen: {OBSERVED.contradicted(IMPOSSIBLE)}"
    )
    missing = OBSERVED.missing(REGISTRY, IMPOSSIBLE)
    assert not missing, (
        "policies without a test asserting each outcome (Result.ok, .violated, .is_not_applicable; "
        "if other tests failed, fix them first):\n"
        + "\n".join(f"  {name}: {', '.join(absent)}" for name, absent in sorted(missing.items()))
    )


def test_exemptions_name_registered_policies_with_a_reason() -> None:
    for name, outcomes in IMPOSSIBLE.items():
        assert name in REGISTRY, name
        for outcome, reason in outcomes.items():
            assert outcome in OUTCOMES, (name, outcome)
            assert len(reason) >= 30, (name, reason)
        assert len(outcomes) < len(OUTCOMES) - 1, f"{name}: a policy is seen in at least two outcomes"


def test_missing_names_every_absent_outcome() -> None:
    observed = Observed()
    observed.record("a", COMPLIANT)
    observed.record("a", VIOLATING)
    observed.record("b", COMPLIANT)
    observed.record("b", VIOLATING)
    observed.record("b", NOT_APPLICABLE)
    assert observed.missing(["a", "b", "c"], {}) == {
        "a": [NOT_APPLICABLE],
        "c": [COMPLIANT, VIOLATING, NOT_APPLICABLE],
    }
    assert observed.missing(["a"], {"a": {NOT_APPLICABLE: "reason"}}) == {}
    assert observed.contradicted({"a": {NOT_APPLICABLE: "r"}, "b": {COMPLIANT: "r"}}) == {"b": [COMPLIANT]}
    with pytest.raises(ValueError):
        observed.record("a", "passed")
