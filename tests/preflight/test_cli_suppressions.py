"""The CLI and suppressions: an applied one is reported with its reason; an expired or malformed
one is a config error."""

from __future__ import annotations

import json
from pathlib import Path

from . import sarif_check
from .conftest import PROJECT, Result, line_of

RULE_LINE = line_of(PROJECT / "__main__.py", "ssh = openstack.networking.SecGroupRule(")
SSH_POLICY = "network-secgroup-disallow-public-ssh"


def test_applied_suppression_is_reported_with_its_reason(fixture_project) -> None:
    r = fixture_project("--stack", "suppressed", "--format", "sarif")
    assert r.code == 0
    log = json.loads(r.out)
    sarif_check.check(log)
    (result,) = [x for x in log["runs"][0]["results"] if x["ruleId"] == SSH_POLICY]
    (sup,) = result["suppressions"]
    assert sup["kind"] == "external" and sup["status"] == "accepted"
    assert sup["justification"].startswith(
        "Break-glass access during the migration, reviewed in RISK-2026-014"
    )
    assert "Jane Doe (RSSI)" in sup["justification"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == RULE_LINE
    doc = json.loads(fixture_project("--stack", "suppressed", "--format", "json").out)
    (v,) = doc["stacks"][0]["violations"]
    assert v["enforcement"] == "mandatory" and v["blocking"] is False
    assert v["suppression"]["expires"] == "2099-12-31" and v["suppression"]["resource"] == "admin-ssh"
    assert "suppression:" not in v["message"]


def _suppressed_stack_with(fixture_project, path: Path, field: str, value: str) -> Result:
    """Run the `suppressed` stack with one field of its suppression changed (a copy at `path`)."""
    config = json.loads((PROJECT / "stacks" / "suppressed.policy.json").read_text())
    config[SSH_POLICY]["suppressions"][0][field] = value
    path.write_text(json.dumps(config))
    return fixture_project("--stack", "suppressed", "--policy-config", path)


def test_expired_suppression_is_a_config_error(fixture_project, tmp_path: Path) -> None:
    path = tmp_path / "expired.json"
    r = _suppressed_stack_with(fixture_project, path, "expires", "2001-01-31")
    assert r.code == 2
    assert r.err.strip().splitlines() == [
        f"preflight: error: stack 'suppressed': {path}: suppression #1 ({SSH_POLICY} on admin-ssh): "
        "expired on 2001-01-31"
    ]
    assert r.out == ""


def test_malformed_suppression_fails_the_schema(fixture_project, tmp_path: Path) -> None:
    r = _suppressed_stack_with(fixture_project, tmp_path / "short.json", "reason", "because")
    assert r.code == 2
    assert f"{SSH_POLICY}.suppressions[0].reason: 'because' is too short" in r.err
