"""The CLI when things go wrong: bad usage, a program or a pack that breaks, secrets kept out of
every format; each ends with one line on stderr and its exit code (2 or 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import PACKS, PROJECT, line_of, run_cli

RULE_LINE = line_of(PROJECT / "__main__.py", "ssh = openstack.networking.SecGroupRule(")
SSH_POLICY = "network-secgroup-disallow-public-ssh"


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
        (("--all-stacks", "--jobs", "0"), "--jobs: expected a whole number of at least 1, got '0'"),
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
