"""Preflight tests run the real CLI entry point against a fixture project and real pack processes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT = FIXTURES / "project"
PACKS = FIXTURES / "packs"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from preflight.cli import main  # noqa: E402


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _no_openstack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # openstack.Provider reads these at construction; a developer's shell must not change results.
    for key in list(os.environ):
        if key.startswith("OS_"):
            monkeypatch.delenv(key)


@pytest.fixture
def preflight(capsys: pytest.CaptureFixture[str]):
    """Run `python -m preflight ARGS` in this process (the pack still runs as its own process)."""

    def run(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def fixture_project(preflight):
    def run(*args: str | Path) -> Result:
        return preflight("--project-dir", PROJECT, *args)

    return run


def run_cli(*args: str | Path, cwd: Path = REPO, timeout: float = 60) -> Result:
    """The CLI as a user runs it: its own interpreter, `python -m preflight`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    proc = subprocess.run(
        [sys.executable, "-m", "preflight", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def line_of(path: Path, needle: str) -> int:
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
