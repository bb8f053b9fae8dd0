"""Every shell command the README and docs/ show runs as written, so none drifts from the code.

Each `sh` fence's lines are run with bash in a copy of the repository (so commands that write files
write them there), except those that need what CI does not have: each such command is listed in
SKIPPED with its reason, and a command that is neither run nor listed fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)

# A command line's start, and why it is not run here.
SKIPPED = {
    "pulumi ": "needs the Pulumi CLI and a cloud account",
    "export ": "sets credentials the reader supplies",
    ".venv/bin/python -m statebackend ": "needs the provider's S3 endpoint and credentials (tests/rgw: Ceph)",
    "bash .ci/run": "is CI itself",
    "make test": "is the test suite itself",
    "make fuzz": "is the fuzz suite's long profile (make fuzz), minutes long",
    "python3 -m venv /tmp/slz": "installs into a fresh venv from the registry: .ci/run runs it as written",
    "cd path/to/project": "a placeholder for the reader's own project (tests/packaging runs one)",
}
# Exit codes a command may end with and still be working as documented: preflight's 1 is a report
# of mandatory violations, not a failure of the command.
ACCEPTED = {"make preflight": (0, 1), ".venv/bin/python -m preflight": (0, 1)}


def _commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for block in FENCE.findall(doc.read_text(encoding="utf-8")):
            for line in block.splitlines():
                command = re.sub(r"\s+#\s.*$", "", line).strip()
                if command and not command.startswith("#"):
                    found.append((doc.relative_to(REPO).as_posix(), command))
    return found


COMMANDS = _commands()


def _skip_reason(command: str) -> str | None:
    return next((why for start, why in SKIPPED.items() if command.startswith(start)), None)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("docs") / "repo"
    # copy2 keeps mtimes, so make sees the venv's install stamp as newer than the requirements.
    shutil.copytree(
        REPO,
        copy,
        copy_function=shutil.copy2,
        ignore=shutil.ignore_patterns(".git", ".venv", ".checkov-venv", "__pycache__", "out", "build"),
    )
    (copy / ".venv").symlink_to(REPO / ".venv")
    return copy


def test_every_documented_command_is_run_or_has_a_reason() -> None:
    assert COMMANDS, "no sh fence found"
    runnable = [c for _, c in COMMANDS if _skip_reason(c) is None]
    assert runnable, "every documented command is skipped"


@pytest.mark.parametrize(("doc", "command"), COMMANDS, ids=[f"{d}: {c}"[:80] for d, c in COMMANDS])
def test_documented_command_runs_as_written(doc: str, command: str, checkout: Path) -> None:
    reason = _skip_reason(command)
    if reason is not None:
        pytest.skip(f"not run here: {reason}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "PULUMI_", "AWS_"))}
    run = subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True, timeout=600
    )
    accepted = next((codes for start, codes in ACCEPTED.items() if command.startswith(start)), (0,))
    assert run.returncode in accepted, f"{doc}: `{command}` exited {run.returncode}\n{run.stderr[-2000:]}"
    assert "Traceback" not in run.stderr
