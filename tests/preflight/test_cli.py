"""The CLI end to end: real program runs, real pack processes, every format parsed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from . import sarif_check
from .conftest import PACKS, PROJECT, Result, line_of, run_cli

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
    both = json.loads(fixture_project("--stack", "open", "--stack", "clean", "--format", "json").out)
    alone = json.loads(fixture_project("--stack", "clean", "--format", "json").out)
    assert both["stacks"][1]["violations"] == alone["stacks"][0]["violations"] == []
    assert len(both["stacks"][0]["violations"]) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--stack", "nope"), "unknown stack 'nope'"),
        (("--stack", "notyaml"), "is not valid YAML"),
        (("--stack", "reject"), "config key 'fixture-project:mode': value 'reject' is not allowed"),
        (
            ("--stack", "clean", "--policy-config", "{bad_schema}"),
            "does not match the policy's config schema",
        ),
        (("--stack", "clean", "--policy-config", "{bad_json}"), "is not valid JSON"),
        (
            ("--stack", "clean", "--policy-config", "{unknown_policy}"),
            "is not a policy of pack 'fixture-guard'",
        ),
        (("--stack", "clean", "--policy-config", "{bad_level}"), "is not a valid enforcement level"),
        (("--stack", "clean", "--format", "yaml"), "invalid choice"),
        (("--stack", "clean", "--all-stacks"), "not allowed with argument"),
        (("--stack", "clean", "--policy-pack", "{tmp}"), "no PulumiPolicy.yaml"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(fixture_project, tmp_path: Path, args, needle) -> None:
    files = {
        "bad_schema": {"hygiene-stack-restrict-resource-count": {"maxResources": "ten"}},
        "unknown_policy": {"network-no-such-policy": "mandatory"},
        "bad_level": {SSH_POLICY: "blocking"},
    }
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content))
    (tmp_path / "bad_json.json").write_text("{not json")
    real = [a.format(tmp=tmp_path, **{k: tmp_path / f"{k}.json" for k in [*files, "bad_json"]}) for a in args]
    r = fixture_project(*real)
    assert r.code == 2, r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    assert needle in r.err
    assert "Traceback" not in r.err
    assert r.out == ""


def test_missing_pulumi_yaml(preflight, tmp_path: Path) -> None:
    r = preflight("--project-dir", tmp_path)
    assert r.code == 2
    expected = f"no Pulumi.yaml in {tmp_path.resolve()}: pass --project-dir with a Pulumi project"
    assert r.err.strip() == f"preflight: error: {expected}"


def test_program_that_raises_exits_3(fixture_project) -> None:
    r = fixture_project("--stack", "crash")
    assert r.code == 3
    assert r.err.strip().splitlines() == [
        "preflight: error: stack 'crash': the program raised RuntimeError at __main__.py:11: "
        "fixture program crashed on purpose"
    ]


def test_debug_shows_the_traceback(fixture_project) -> None:
    r = fixture_project("--stack", "crash", "--debug")
    assert r.code == 3
    assert "Traceback (most recent call last)" in r.err


# Each way a pack can break under the CLI: the run exits 3 and says which way, with the pack's words.
BROKEN_PACKS = [
    pytest.param(
        "crash_at_start",
        (),
        ("exited with code 1 before serving", "ImportError: fixture pack cannot import its policies"),
        id="dies-at-start-with-its-stderr",
    ),
    pytest.param("no_port", ("--pack-timeout", "1"), ("printed no port within 1 s",), id="never-serves"),
    pytest.param(
        "crash_in_analyze",
        (),
        ("failed in Analyze of urn:pulumi:clean::fixture-project", "fixture policy bug"),
        id="crashes-in-analyze",
    ),
]


@pytest.mark.parametrize(("pack", "extra", "said"), BROKEN_PACKS)
def test_a_pack_that_breaks_exits_3_saying_how(
    fixture_project, pack: str, extra: tuple[str, ...], said: tuple[str, ...]
) -> None:
    r = fixture_project("--stack", "clean", "--policy-pack", PACKS / pack, *extra)
    assert r.code == 3
    for text in said:
        assert text in r.err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_no_secret_reaches_any_format(fixture_project, fmt: str) -> None:
    r = fixture_project("--stack", "secret", "--format", fmt)
    assert r.code == 0, r.err
    # The pack echoed the payload on purpose: preflight must not.
    assert "payload [secret] is stored" in r.out or fmt == "junit"
    for secret in ("tok-PLAINTEXT-7f3a9c2e51", "ENCRYPTED-BLOB-5d1e", "v1:Zm9vYmFyYmF6cXV4"):
        assert secret not in r.out
        assert secret not in r.err


def test_real_cli_process_exit_code_and_stderr() -> None:
    r = run_cli("--project-dir", PROJECT, "--stack", "open", "--format", "json")
    assert r.code == 1
    assert json.loads(r.out)["exitCode"] == 1
    bad = run_cli("--project-dir", PROJECT, "--stack", "notyaml")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1


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
