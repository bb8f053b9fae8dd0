"""The fast path (source_capture's short stack walk, no cycle collection during the program) must
record and report exactly what the SDK's default path does: same resources in the same order, same
source lines, same violations. PREFLIGHT_SDK_STACK_TRACE=1 selects the default path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import resource as sdk_resource

from preflight import source_capture
from preflight.program import PreviewMocks, run_stack
from preflight.project import load_project
from preflight.recorder import RecordingMonitor, run_program
from preflight.run import Options, run
from preflight.secure_config import load_stack_config

from .conftest import FIXTURES, PROJECT, REPO

INSECURE = FIXTURES / "insecure"
# Stacks whose program runs to the end (the others fail on purpose before or while running).
PROGRAM_STACKS = [
    (REPO, "dev"),
    (REPO, "prod"),
    (INSECURE, "weak"),
    (PROJECT, "clean"),
    (PROJECT, "open"),
    (PROJECT, "secret"),
    (PROJECT, "suppressed"),
]


def _records(project_dir: Path, stack: str) -> list[tuple[Any, ...]]:
    project = load_project(project_dir)
    regs = run_stack(project, load_stack_config(project, stack))
    return [(r.urn, r.type, r.parent, r.provider, r.source) for r in regs]


@pytest.mark.parametrize(("project_dir", "stack"), PROGRAM_STACKS, ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_fast_and_default_paths_record_the_same_resources_and_lines(
    project_dir: Path, stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(source_capture.SDK_PATH_VARIABLE, "1")
    default = _records(project_dir, stack)
    monkeypatch.delenv(source_capture.SDK_PATH_VARIABLE)
    fast = _records(project_dir, stack)
    assert fast == default
    # A vacuous pass is no proof: the programs do create resources from lines of the project.
    assert sum(1 for r in fast if r[4] is not None) >= 2


def _findings(report: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for s in report.stacks:
        rows.append(("stack", s.stack, s.error.message if s.error else None))
        rows += [("resource", r.urn, r.type, r.location) for r in s.resources]
        rows += [
            ("violation", v.policy, v.urn, v.enforcement, v.message, v.location, v.phase, v.suppression)
            for v in s.violations
        ]
    return rows


@pytest.mark.parametrize(
    ("project_dir", "pack"),
    [(REPO, None), (INSECURE, REPO / "policies"), (PROJECT, None)],
    ids=["shipped", "insecure", "fixtures"],
)
def test_fast_and_default_paths_report_the_same_findings(
    project_dir: Path, pack: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(project_dir=project_dir, all_stacks=True, policy_pack=pack)
    monkeypatch.setenv(source_capture.SDK_PATH_VARIABLE, "1")
    default = _findings(run(options))
    monkeypatch.delenv(source_capture.SDK_PATH_VARIABLE)
    fast = _findings(run(options))
    assert fast == default
    assert any(row[0] == "resource" and row[3] is not None for row in fast)


class _TraceLengths(RecordingMonitor):
    """Keeps how many frames each registration's stack trace carried."""

    lengths: list[int]

    def RegisterResource(self, request: Any) -> Any:
        self.lengths.append(len(request.stackTrace.frames))
        return super().RegisterResource(request)


def _trace_lengths(monkeypatch: pytest.MonkeyPatch, sdk_path: str) -> list[int]:
    monkeypatch.setenv(source_capture.SDK_PATH_VARIABLE, sdk_path)
    project = load_project(INSECURE)
    config = load_stack_config(project, "weak")
    monitor = _TraceLengths(PreviewMocks(), project.name, "weak", INSECURE)
    monitor.lengths = []
    run_program(
        project.program_dir, project=project.name, stack="weak", config=config.values, monitor=monitor
    )
    return monitor.lengths


def test_the_fast_capture_stops_at_the_project_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sdk_resource._get_stack_trace
    default = _trace_lengths(monkeypatch, "1")
    fast = _trace_lengths(monkeypatch, "")
    # The SDK's own capture is back in place afterwards, whichever path ran.
    assert sdk_resource._get_stack_trace is original
    # The SDK sends every frame outside the constructor down to the interpreter; the fast capture
    # stops at the program's line (one frame for the resources the fixture creates at top level).
    assert sorted(fast) != sorted(default)
    assert fast.count(1) >= 5
    assert sum(fast) < sum(default) / 2
