"""The GitHub Actions workflow: its structure, and every command in it exists in this repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from preflight.cli import parser as preflight_parser

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "preflight.yml"
FORMATS = ("sarif", "markdown", "junit")


def _workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps() -> list[dict[str, Any]]:
    (job,) = _workflow()["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _commands() -> list[str]:
    lines = [line.strip() for step in _steps() if "run" in step for line in step["run"].splitlines()]
    return [line for line in lines if line and not line.startswith(("for ", "do", "done", "#"))]


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, flags=re.MULTILINE))


def test_runs_on_pull_requests_and_main_with_least_privilege() -> None:
    data = _workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read", "security-events": "write"}


def test_steps_install_test_and_publish_every_report() -> None:
    steps = _steps()
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@")
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(s.get("run") == "bash .ci/run" for s in steps)

    (sarif,) = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    (junit,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    (summary,) = [s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    reports = " ".join(_commands())
    for written in (sarif["with"]["sarif_file"], junit["with"]["path"], "out/preflight.markdown"):
        template = re.sub(r"\.(sarif|junit|markdown)$", ".$format", written)
        assert f"--output {template}" in reports, written
    assert "out/preflight.markdown" in summary["run"]
    # The reports are wanted most when the run failed.
    assert all(s.get("if") == "always()" for s in (sarif, junit, summary))


def test_every_command_exists_in_the_makefile_or_the_package() -> None:
    targets = _make_targets()
    for command in _commands():
        words = shlex.split(command.split("||")[0].replace(">>", " "))
        if words[0] == "make":
            assert words[1] in targets, command
        elif words[0] == "bash":
            assert (REPO / words[1]).is_file(), command
        elif words[:3] == [".venv/bin/python", "-m", "preflight"]:
            for fmt in FORMATS:
                args = [w.replace("$format", fmt) for w in words[3:]]
                preflight_parser().parse_args(args)  # exits 2 on an unknown option
        elif words[0] == "cat":
            continue
        else:
            raise AssertionError(f"unknown command in the workflow: {command}")
