"""One source for each stack fact: the policy config derived from the stack file, the program's
refusal of a stale one, and new stacks for every offer that pass preflight as written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components.catalogue import load_catalogue
from components.errors import ConfigError
from components.policy_config import SETTINGS_POLICY, derived_facts, disagreements
from components.stack_config import parse_stack_config
from components.stack_files import read_stack_file, write_new_stack, write_policy_config
from tests.support import REPO, STACKS

# Every OpenStack offer of the catalogue, one region each (per-customer regions take any name).
NEW_STACKS = [
    ("snc-prod", "ovh-snc", "eu-west-rbx-snc", "prod"),
    ("snc-dev", "ovh-snc", "eu-west-sbg-snc", "dev"),
    ("pod-prod", "ovh-baremetal-pod", "fr-par-1", "prod"),
    ("public-dev", "ovh-public-cloud", "GRA11", "dev"),
    ("private-prod", "private-openstack", "dc-lyon-1", "prod"),
    ("private-dev", "private-openstack", "dc-lyon-1", "dev"),
]


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, project / name)
    # The program, the pack and preflight: every top-level package, the pack and the stacks.
    folders = [p.parent.name for p in REPO.glob("*/__init__.py") if p.parent.name != "tests"]
    for folder in (*folders, "policies", "stacks"):
        shutil.copytree(REPO / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    return project


def _preflight(project: Path, *stacks: str) -> subprocess.CompletedProcess[str]:
    args = [a for s in stacks for a in ("--stack", s)]
    return subprocess.run(
        [sys.executable, "-m", "preflight", *args, "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("stack", STACKS)
def test_shipped_policy_configs_say_what_their_stack_files_say(stack: str) -> None:
    cfg = parse_stack_config(read_stack_file(REPO / "stacks" / f"Pulumi.{stack}.yaml"))
    config = json.loads((REPO / "stacks" / f"{stack}.policy.json").read_text())
    assert disagreements(derived_facts(cfg), config) == []


def test_regenerating_keeps_what_a_person_wrote_and_takes_the_stack_files_facts(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    policy_file = project / "stacks" / "prod.policy.json"
    config = json.loads(policy_file.read_text())
    suppression = {
        "policy": "network-rule-require-justification",
        "resource": "slz-*",
        "reason": "Legacy rules migrated from the previous host, reviewed weekly",
        "expires": "2027-01-31",
        "approved_by": "rssi@example.fr",
    }
    config[SETTINGS_POLICY]["suppressions"] = [suppression]
    policy_file.write_text(json.dumps(config))
    stack_file = project / "stacks" / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text().replace("198.51.100.0/24", "192.0.2.0/24"))

    write_policy_config(project, "prod")

    written = json.loads(policy_file.read_text())
    settings = written[SETTINGS_POLICY]
    assert settings["adminSourceCidrs"] == ["192.0.2.0/24"]
    assert settings["suppressions"] == [suppression]
    # The per-customer Keystone URL is unchanged: its approver and reason are kept.
    (endpoint,) = settings["approvedEndpoints"]
    assert endpoint["approved_by"] == config[SETTINGS_POLICY]["approvedEndpoints"][0]["approved_by"]
    assert written["network-rule-require-justification"] == {"enforcementLevel": "mandatory"}
    assert written["encryption-volume-require-encrypted-type"] == {"approvedVolumeTypes": ["luks-replace-me"]}


def test_a_policy_config_that_disagrees_with_its_stack_file_stops_the_program(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("exposedZones: [dmz]", "exposedZones: [dmz, app]"))

    run = _preflight(project, "dev")

    assert run.returncode == 2, run.stderr
    assert (
        "config key 'stacks/dev.policy.json: hygiene-policy-config-require-validity.exposedZones': "
        "value ['dmz'] is not allowed" in run.stderr
    )
    assert "`make policy-config STACK=dev`" in run.stderr


def test_a_stack_without_its_policy_config_is_refused_with_the_command_that_writes_it(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    (project / "stacks" / "dev.policy.json").unlink()

    run = _preflight(project, "dev")

    assert run.returncode == 2, run.stderr
    assert "stacks/dev.policy.json" in run.stderr and "`make policy-config STACK=dev`" in run.stderr


def test_new_stacks_for_every_offer_pass_preflight_as_written(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    openstack = {k for k, o in load_catalogue().offers.items() if o.api == "openstack"}
    assert {offer for _, offer, _, _ in NEW_STACKS} == openstack

    for stack, offer, region, environment in NEW_STACKS:
        stack_file, policy_file = write_new_stack(project, stack, offer, region, environment, "FR")
        text = stack_file.read_text()
        assert "REPLACE" in text and yaml.safe_load(text)["config"]
        assert json.loads(policy_file.read_text())[SETTINGS_POLICY]["environment"] == environment

    run = _preflight(project, *(s for s, *_ in NEW_STACKS))

    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert {s["stack"]: s["exitCode"] for s in report["stacks"]} == {s: 0 for s, *_ in NEW_STACKS}


@pytest.mark.parametrize(
    ("offer", "region", "key", "allowed"),
    [
        ("outscale-cloudgouv", "cloudgouv-eu-west-1", "--offer", "one of"),
        (
            "ovh-public-cloud",
            "us-east-va-1",
            "sovereign-landing-zone:region",
            "a region of 'ovh-public-cloud'",
        ),
    ],
)
def test_new_stack_refuses_what_the_program_would_refuse(
    tmp_path: Path, offer: str, region: str, key: str, allowed: str
) -> None:
    project = _project_copy(tmp_path)
    with pytest.raises(ConfigError) as caught:
        write_new_stack(project, "other", offer, region, "dev", "FR")
    assert caught.value.key == key and allowed in caught.value.allowed
    assert not (project / "stacks" / "Pulumi.other.yaml").exists()


def test_new_stack_never_overwrites_a_stack(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    before = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    with pytest.raises(ConfigError) as caught:
        write_new_stack(project, "dev", "ovh-public-cloud", "GRA11", "dev", "FR")
    assert caught.value.key == "--stack"
    assert (project / "stacks" / "Pulumi.dev.yaml").read_text() == before
