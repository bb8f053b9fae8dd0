"""Preflight with the real sovereign-guard pack: the shipped stacks pass, insecure resources fail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.preflight import sarif_check
from tests.preflight.conftest import FIXTURES, REPO, line_of

INSECURE = FIXTURES / "insecure"
PACK = REPO / "policies"
ADMIN_PASSWORD = "Plaintext-Admin-Pass-4821"
EXPECTED = {
    ("encryption-volume-require-encrypted-type", "unencrypted-volume"),
    ("encryption-secret-require-strong-algorithm", "weak-key"),
    ("access-secret-disallow-project-read", "project-readable-key"),
    ("access-instance-disallow-admin-password", "password-vm"),
    ("network-admin-port-disallow-public-ingress", "ssh-from-anywhere"),
}


def _insecure(preflight, *args: str):
    return preflight("--project-dir", INSECURE, "--policy-pack", PACK, "--stack", "weak", *args)


def test_shipped_stacks_have_no_violation(preflight) -> None:
    r = preflight("--project-dir", REPO, "--all-stacks", "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert {s["stack"] for s in report["stacks"]} == {"dev", "prod"}
    for stack in report["stacks"]:
        # The only finding: the pack cannot read a Kubernetes node's user data during a preview,
        # since it holds the join token pulumi-random creates at `up` (docs/kubernetes.md).
        for v in stack["violations"]:
            assert v["enforcement"] == "advisory", (stack["stack"], v)
            assert v["resource"]["type"] == "openstack:compute/instance:Instance", (stack["stack"], v)
            assert "-k8s-" in v["resource"]["name"]
            assert "userData can't be known during preview" in v["message"]
        assert stack["flowMatrix"]
        custody = {row["key"]: row["custody"] for row in stack["keyCustody"]}
        # dev's cluster keeps RKE2's local secretbox key: honestly provider-readable (internal data).
        allowed = {"customer-held", "provider-kms", "provider-readable (control-plane disk)"}
        assert custody and set(custody.values()) <= allowed
    prod = next(s for s in report["stacks"] if s["stack"] == "prod")
    assert {row["custody"] for row in prod["keyCustody"]} == {"customer-held"}


def test_markdown_shows_the_key_custody_table(preflight) -> None:
    r = preflight("--project-dir", REPO, "--stack", "prod", "--format", "markdown")
    assert r.code == 0, r.err
    assert "Key custody (4 keys)" in r.out
    assert "| `health-objects` | 1 | customer-held |" in r.out
    assert "| `slz-k8s-secrets-encryption` | 1 | customer-held |" in r.out


def test_each_insecure_resource_is_a_mandatory_violation(preflight) -> None:
    r = _insecure(preflight, "--format", "json")
    assert r.code == 1, r.err
    (stack,) = json.loads(r.out)["stacks"]
    found = {
        (v["policy"], v["resource"]["name"]) for v in stack["violations"] if v["enforcement"] == "mandatory"
    }
    assert found >= EXPECTED


def test_sarif_points_at_the_line_that_created_the_ssh_rule(preflight) -> None:
    r = _insecure(preflight, "--format", "sarif")
    assert r.code == 1, r.err
    log = json.loads(r.out)
    sarif_check.check(log)
    (result,) = [
        x for x in log["runs"][0]["results"] if x["ruleId"] == "network-admin-port-disallow-public-ingress"
    ]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/preflight/fixtures/insecure/__main__.py"
    assert location["region"]["startLine"] == line_of(INSECURE / "__main__.py", '"ssh-from-anywhere"') - 1
    assert result["level"] == "error"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_plaintext_and_secure_values_never_reach_the_report(preflight, fmt: str) -> None:
    r = _insecure(preflight, "--format", fmt)
    assert r.code == 1, r.err
    for secret in (ADMIN_PASSWORD, "AAABAHN0aWxsLWVuY3J5cHRlZC1ub3QtZGVjcnlwdGFibGU="):
        assert secret not in r.out
        assert secret not in r.err


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        REPO,
        project,
        ignore=shutil.ignore_patterns(".git", ".venv", "venv", "tests", "bench", "docs", "__pycache__"),
    )
    return project


def test_a_bad_stack_file_is_one_line_and_exit_2(preflight, tmp_path: Path) -> None:
    """The real program on a copy of the project whose dev stack opens SSH to the world."""
    project = _project_copy(tmp_path)
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("- 203.0.113.0/24", "- 0.0.0.0/0"))
    r = preflight("--project-dir", project, "--policy-pack", PACK, "--stack", "dev")
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert "sovereign-landing-zone:adminCidrs[0]" in line and "0.0.0.0/0" in line
    assert "Traceback" not in r.out + r.err


def test_imported_keys_preview_offline_without_their_material(preflight, tmp_path: Path) -> None:
    """Both custody modes with imported material: preflight cannot decrypt it, and needs not."""
    project = _project_copy(tmp_path)
    encrypted = "v1:QUFBQUJCQkJDQ0NDRERERA==:ENCRYPTED-IMPORTED-MATERIAL"
    edits = {
        "dev": ("      purpose: application\n      custody: provider-kms\n", "app-secrets"),
        "prod": ("      purpose: object-storage\n      custody: customer-held\n", "health-objects"),
    }
    for stack, (anchor, _) in edits.items():
        path = project / "stacks" / f"Pulumi.{stack}.yaml"
        text = path.read_text()
        assert anchor in text
        text = text.replace(anchor, anchor + "      source: imported\n", 1)
        path.write_text(text + f"  sovereign-landing-zone:importedKeys:\n    secure: {encrypted}\n")
    for fmt in ("text", "json"):
        r = preflight("--project-dir", project, "--policy-pack", PACK, "--all-stacks", "--format", fmt)
        assert r.code == 0, r.out + r.err
        assert encrypted not in r.out + r.err
    report = json.loads(r.out)
    sources = {row["key"]: row["source"] for s in report["stacks"] for row in s["keyCustody"]}
    assert sources["app-secrets"] == "imported" and sources["health-objects"] == "imported"
