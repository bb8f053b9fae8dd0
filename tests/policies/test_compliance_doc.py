"""docs/compliance.md: fresh, honest (every requirement answered), and pointing at things that exist."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import gen_compliance
import pytest
from sovereign_guard import REGISTRY
from sovereign_guard import compliance_controls as cc
from sovereign_guard.references import REFERENCES

from .conftest import PACK_DIR

ROOT = PACK_DIR.parent


def _top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def test_every_requirement_has_a_control_a_reason_or_a_declared_gap() -> None:
    assert gen_compliance.problems() == []


def test_a_requirement_with_nothing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # Take away a declared gap: the requirement is left with nothing, and the meta-test must say so.
    gap = next(iter(cc.GAPS))
    monkeypatch.setattr(gen_compliance, "GAPS", {k: v for k, v in cc.GAPS.items() if k != gap})
    assert f"{gap}: no control, no provider-obligation reason, no declared gap" in gen_compliance.problems()


def test_a_gap_that_is_covered_now_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen_compliance, "GAPS", {**cc.GAPS, "snc-13.1": "stale"})
    assert any(p.startswith("snc-13.1: declared a gap but is covered") for p in gen_compliance.problems())


@pytest.mark.parametrize("control", cc.CONTROLS, ids=lambda c: c.code + " " + c.test.rsplit("::", 1)[-1])
def test_each_control_names_existing_code_and_an_existing_test(control: cc.Control) -> None:
    path, _, symbol = control.code.partition("::")
    assert (ROOT / path).is_file(), control.code
    assert symbol in _top_level_names(ROOT / path), control.code
    test_path, _, test_name = control.test.partition("::")
    assert test_name.startswith("test_"), control.test
    assert (ROOT / test_path).is_file(), control.test
    assert test_name in _top_level_names(ROOT / test_path), control.test
    assert control.kind in (cc.COMPONENT_DEFAULT, cc.CONFIG_VALIDATION)
    assert set(control.references) <= set(REFERENCES), control.references


def test_every_policy_linked_from_the_matrix_is_registered() -> None:
    text = gen_compliance.DOC.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(policies\.md#([a-z0-9-]+)\)", text))
    assert linked, "the matrix links no policy"
    assert linked <= set(REGISTRY)
    # and every policy cites at least one listed requirement, so each appears somewhere
    assert linked == {name for name, meta in REGISTRY.items() if meta.references}


def test_counts_at_the_top_match_the_rows() -> None:
    rows = gen_compliance.rows()
    covered = sum(1 for r in rows if r.status == gen_compliance.COVERED)
    provider = sum(1 for r in rows if r.status == gen_compliance.PROVIDER)
    gaps = sum(1 for r in rows if r.status == gen_compliance.GAP)
    assert covered + provider + gaps == len(rows) == len(REFERENCES)
    assert (
        f"**{len(rows)} requirements cited: {covered} covered, {provider} provider obligations, "
        f"{gaps} gaps left.**"
    ) in gen_compliance.render()


def test_docs_are_fresh() -> None:
    assert gen_compliance.DOC.read_text(encoding="utf-8") == gen_compliance.render(), (
        "docs/compliance.md is stale: run python policies/gen_compliance.py"
    )


def test_check_mode_exit_code() -> None:
    proc = subprocess.run(
        [sys.executable, str(PACK_DIR / "gen_compliance.py"), "--check"], capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
