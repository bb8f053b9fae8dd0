"""Mutated stack files through the real preflight CLI: a subprocess, the real program, the real pack.

A user sees only what the CLI prints and its exit code. Whatever the stack file holds (wrong
values, bytes that are not UTF-8, duplicate keys, nesting or aliases built to exhaust the parser),
preflight answers 0 or 1 (the pack judged the plan) or 2 (bad config, named), never 3 (a crash),
never a traceback, and never prints the secret planted in the file, in any report format.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import budget, tally
from tests.fuzz.mutations import mutated
from tests.support import PROJECT, REPO, stack_copy

# Planted in every case as the OpenStack application credential secret, written in plain text where
# a secure value belongs: the program must refuse it without ever echoing it.
PLANTED = "PLANTED-8f3a1c-credential-never-printed"
FORMATS = ["text", "json", "markdown", "sarif", "junit"]
SUITE = "preflight CLI"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's project whose stack files the tests may overwrite."""
    root = tmp_path_factory.mktemp("fuzz-project")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, root / name)
    for package in ("components", "s3hardening", "policies", "statebackend"):
        (root / package).symlink_to(REPO / package)
    (root / "stacks").mkdir()
    for stack in ("dev", "prod"):
        shutil.copy(REPO / "stacks" / f"{stack}.policy.json", root / "stacks" / f"{stack}.policy.json")
    return root


def _stack_text(stack: str, raw: dict[str, Any], planted: bool) -> str:
    config = {f"{PROJECT}:{k}": v for k, v in raw.items()}
    if planted:
        config[f"{PROJECT}:openstackApplicationCredentialSecret"] = PLANTED
    return yaml.safe_dump({"config": config}, sort_keys=False, allow_unicode=True)


def _run(project: Path, stack: str, text: bytes, fmt: str) -> subprocess.CompletedProcess[str]:
    (project / "stacks" / f"Pulumi.{stack}.yaml").write_bytes(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "AWS_", "PULUMI_"))}
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--project-dir", str(project), "--stack", stack, "--format", fmt],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )


def _judge(proc: subprocess.CompletedProcess[str], what: str) -> None:
    seen = proc.stdout + proc.stderr
    assert "Traceback" not in seen, f"{what}: traceback\n{seen[-3000:]}"
    assert PLANTED not in seen, f"{what}: the planted secret reached the output"
    assert proc.returncode in (0, 1, 2), f"{what}: exit {proc.returncode}\n{seen[-3000:]}"
    if proc.returncode == 2:
        message = proc.stderr.strip()
        assert message, f"{what}: exit 2 without a message"
        for internal in ("lax-or-strict", "function-plain", "json-or-python", "internal error"):
            assert internal not in message, f"{what}: {message}"
    tally(SUITE, f"exit {proc.returncode}")


@budget(10, long=300)
@given(
    st.sampled_from(["dev", "prod"]).flatmap(lambda s: mutated(stack_copy(s)).map(lambda m: (s, *m))),
    st.sampled_from(FORMATS),
    st.booleans(),
)
def test_mutated_stack_file_never_crashes_nor_leaks(
    project: Path, case: tuple[str, str, dict[str, Any]], fmt: str, planted: bool
) -> None:
    stack, what, raw = case
    _judge(_run(project, stack, _stack_text(stack, raw, planted).encode(), fmt), f"{stack} {what} ({fmt})")


def _not_utf8(text: str) -> bytes:
    cut = len(text) // 2
    return text[:cut].encode() + b"\xff\xfe\xc3(" + text[cut:].encode()


def _duplicate_key(text: str) -> bytes:
    # The CLI's parser refuses a key given twice; a lenient one would plan the second value.
    return text.replace(
        f"  {PROJECT}:environment: dev\n", f"  {PROJECT}:environment: dev\n  {PROJECT}:environment: prod\n"
    ).encode()


def _deep(text: str) -> bytes:
    return (text + f"  {PROJECT}:extra: " + "[" * 3000 + "]" * 3000 + "\n").encode()


def _alias_bomb(text: str) -> bytes:
    lines = [f"  {PROJECT}:a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  {PROJECT}:a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    return (text + "\n".join(lines) + "\n").encode()


def _huge_value(text: str) -> bytes:
    return (text + f"  {PROJECT}:namePrefix: {'x' * 300_000}\n").encode()


def _truncated(text: str) -> bytes:
    return text[: len(text) * 2 // 3].encode()


def _tabs(text: str) -> bytes:
    return text.replace("  ", "\t", 3).encode()


TEXT_MUTATIONS: dict[str, Callable[[str], bytes]] = {
    "not UTF-8": _not_utf8,
    "duplicate key": _duplicate_key,
    "nesting 3000 deep": _deep,
    "alias bomb (10^7 items)": _alias_bomb,
    "300 kB value": _huge_value,
    "truncated": _truncated,
    "tabs for indentation": _tabs,
}


@budget(len(TEXT_MUTATIONS), long=60)
@given(st.sampled_from(sorted(TEXT_MUTATIONS)), st.sampled_from(FORMATS))
def test_hostile_stack_text_is_refused_without_crash(project: Path, mutation: str, fmt: str) -> None:
    text = _stack_text("dev", stack_copy("dev"), planted=True)
    proc = _run(project, "dev", TEXT_MUTATIONS[mutation](text), fmt)
    _judge(proc, f"{mutation} ({fmt})")


@pytest.mark.parametrize(
    "mutation", ["not UTF-8", "duplicate key", "nesting 3000 deep", "alias bomb (10^7 items)"]
)
def test_each_hostile_text_is_a_config_error_naming_the_file(project: Path, mutation: str) -> None:
    text = _stack_text("dev", stack_copy("dev"), planted=False)
    proc = _run(project, "dev", TEXT_MUTATIONS[mutation](text), "text")
    _judge(proc, mutation)
    assert proc.returncode == 2, proc.stdout[-2000:]
    assert "Pulumi.dev.yaml" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr
