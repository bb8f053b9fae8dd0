"""The CLI end to end: real program runs, real pack processes, every format parsed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from . import sarif_check
from .conftest import PROJECT, line_of

RULE_LINE = line_of(PROJECT / "__main__.py", "ssh = openstack.networking.SecGroupRule(")
SSH_POLICY = "network-secgroup-disallow-public-ssh"


def test_clean_stack_passes(fixture_project) -> None:
    r = fixture_project("--stack", "clean")
    assert r.code == 0, r.err
    assert "PASS clean: 0 mandatory" in r.out
    assert "Plan: 4 resources" in r.out
    assert r.err == ""


def test_ssh_open_to_the_world_fails_and_sarif_points_at_the_rule(fixture_project) -> None:
    r = fixture_project("--stack", "open", "--format", "sarif")
    assert r.code == 1
    log = json.loads(r.out)
    sarif_check.check(log)
    results = [x for x in log["runs"][0]["results"] if x["ruleId"] == SSH_POLICY]
    assert len(results) == 1
    result = results[0]
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/preflight/fixtures/project/__main__.py"
    assert location["region"]["startLine"] == RULE_LINE
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("::admin-ssh")
    rule = next(x for x in log["runs"][0]["tool"]["driver"]["rules"] if x["id"] == SSH_POLICY)
    assert "9.6.d" in rule["help"]["text"] and "Remediation" in rule["help"]["text"]
    assert rule["properties"]["security-severity"] == "8.0"


def test_text_report_names_everything_a_reviewer_needs(fixture_project) -> None:
    r = fixture_project("--stack", "open")
    assert r.code == 1
    for needle in (
        f"MANDATORY [high] {SSH_POLICY}",
        "openstack:networking/secGroupRule:SecGroupRule admin-ssh",
        "urn:pulumi:open::fixture-project::openstack:networking/secGroupRule:SecGroupRule::admin-ssh",
        f"__main__.py:{RULE_LINE}",
        "SSH (22/tcp) is open to 0.0.0.0/0",
        "SecNumCloud 3.2 9.6.d",
        "Restrict remoteIpPrefix",
        "FAIL open: 1 mandatory",
    ):
        assert needle in r.out


def test_json_report_follows_the_documented_schema(fixture_project) -> None:
    doc = json.loads(fixture_project("--stack", "open", "--format", "json").out)
    assert doc["schemaVersion"] == "1.0"
    assert doc["tool"]["name"] == "preflight"
    assert doc["policyPack"] == {"name": "fixture-guard", "version": "0.3.0", "dir": doc["policyPack"]["dir"]}
    assert doc["exitCode"] == 1
    assert {p["name"] for p in doc["policies"]} >= {SSH_POLICY, "hygiene-stack-restrict-resource-count"}
    (stack,) = doc["stacks"]
    assert stack["stack"] == "open" and stack["exitCode"] == 1 and stack["error"] is None
    assert stack["policyConfig"] == "stacks/open.policy.json"
    assert stack["summary"] == {"resources": 4, "mandatory": 1, "advisory": 0, "suppressed": 0}
    assert stack["resourceCounts"]["pulumi:providers:openstack"] == 1
    assert stack["enforcement"][SSH_POLICY] == "mandatory"
    (v,) = stack["violations"]
    assert v["policy"] == SSH_POLICY and v["enforcement"] == "mandatory" and v["severity"] == "high"
    assert v["blocking"] is True and v["suppression"] is None and v["phase"] == "resource"
    assert v["resource"]["type"] == "openstack:networking/secGroupRule:SecGroupRule"
    assert v["location"] == {
        "path": "__main__.py",
        "repoPath": "tests/preflight/fixtures/project/__main__.py",
        "line": RULE_LINE,
    }
    assert v["framework"]["reference"] == "9.6.d"
    assert v["remediation"].startswith("Restrict")


def test_junit_has_one_case_per_policy_and_resource(fixture_project) -> None:
    r = fixture_project("--stack", "open", "--format", "junit")
    root = ET.fromstring(r.out)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    # 4 resource policies x 4 resources + 1 stack policy.
    assert len(cases) == 4 * 4 + 1
    assert suite.get("tests") == "17" and suite.get("failures") == "1"
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == 1
    assert failed[0].get("classname") == f"open.{SSH_POLICY}"
    assert failed[0].get("line") == str(RULE_LINE)
    assert "0.0.0.0/0" in (failed[0].find("failure").get("message") or "")


def test_markdown_is_a_pr_comment_with_the_plan(fixture_project) -> None:
    md = fixture_project("--stack", "open", "--format", "markdown").out
    assert md.startswith("## Preflight: ❌ 1 mandatory violation")
    assert f"| mandatory | high | `{SSH_POLICY}` | `admin-ssh` |" in md
    assert f"`tests/preflight/fixtures/project/__main__.py:{RULE_LINE}`" in md
    assert "| `openstack:networking/secGroupRule:SecGroupRule` | 1 |" in md


def test_output_file(fixture_project, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "preflight.sarif"
    r = fixture_project("--stack", "open", "--format", "sarif", "--output", out)
    assert r.code == 1 and r.out == ""
    sarif_check.check(json.loads(out.read_text()))


def test_default_provider_is_synthesized_and_analyzed(fixture_project) -> None:
    doc = json.loads(fixture_project("--stack", "noregion", "--format", "json").out)
    (stack,) = doc["stacks"]
    urns = [r["urn"] for r in stack["resources"]]
    assert "urn:pulumi:noregion::fixture-project::pulumi:providers:openstack::default_5_5_3" in urns
    (v,) = stack["violations"]
    assert v["policy"] == "hygiene-provider-require-region" and v["enforcement"] == "advisory"
    assert v["location"]["path"] == "stacks/Pulumi.noregion.yaml"
    assert doc["exitCode"] == 0


def test_policy_config_can_lower_a_level(fixture_project, tmp_path: Path) -> None:
    config = tmp_path / "advisory.json"
    config.write_text(json.dumps({SSH_POLICY: "advisory"}))
    r = fixture_project("--stack", "open", "--policy-config", config)
    assert r.code == 0
    assert f"ADVISORY [high] {SSH_POLICY}" in r.out


def test_policy_config_properties_reach_stack_policies(fixture_project, tmp_path: Path) -> None:
    config = tmp_path / "small.json"
    config.write_text(json.dumps({"hygiene-stack-restrict-resource-count": {"maxResources": 2}}))
    doc = json.loads(fixture_project("--stack", "clean", "--policy-config", config, "--format", "json").out)
    (v,) = doc["stacks"][0]["violations"]
    assert v["phase"] == "stack" and "4 resources, more than 2" in v["message"]
    assert v["resource"]["type"] == "pulumi:pulumi:Stack"


def test_all_stacks_reports_each_and_exits_with_the_worst(fixture_project) -> None:
    r = fixture_project("--all-stacks", "--format", "json")
    doc = json.loads(r.out)
    codes = {s["stack"]: s["exitCode"] for s in doc["stacks"]}
    assert codes == {
        "clean": 0,
        "crash": 3,
        "noregion": 0,
        "notyaml": 2,
        "open": 1,
        "reject": 2,
        "secret": 0,
        "suppressed": 0,
    }
    assert r.code == 3
    assert len(r.err.strip().splitlines()) == 3


def test_stacks_run_in_one_process_do_not_leak_into_each_other(fixture_project) -> None:
    both_args = ("--stack", "open", "--stack", "clean", "--jobs", "1", "--format", "json")
    both = json.loads(fixture_project(*both_args).out)
    alone = json.loads(fixture_project("--stack", "clean", "--format", "json").out)
    assert both["stacks"][1]["violations"] == alone["stacks"][0]["violations"] == []
    assert len(both["stacks"][0]["violations"]) == 1
