"""Releases: the tool's version (preflight's, which the wheel takes) and the pack's version (its
PulumiPolicy.yaml, published on its own) each have their CHANGELOG entry."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import preflight

REPO = Path(__file__).resolve().parents[2]
RELEASE = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$", re.MULTILINE)


def _released() -> set[str]:
    return {version for version, _ in RELEASE.findall((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))}


def test_the_tool_version_has_a_changelog_entry() -> None:
    assert preflight.__version__ in _released()


def test_the_pack_version_has_a_changelog_entry() -> None:
    pack = yaml.safe_load((REPO / "policies" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert str(pack["version"]) in _released()


def test_the_wheel_takes_its_version_from_preflight() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = { attr = "preflight.__version__" }' in text and '\nversion = "' not in text
