"""Streaming Analyze while the program runs gives the pack's verdict unchanged: the same
diagnostics, in the same order, as sending every request after the program (check_with_pack)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from preflight.analysis import PackVerdict, check_with_pack, read_stack_policy_config
from preflight.analysis_stream import StreamingAnalysis
from preflight.engine import with_engine_additions
from preflight.process import PackProcess, load_pack_project
from preflight.program import run_stack
from preflight.project import load_project, policy_config_file
from preflight.secure_config import load_stack_config

from .conftest import FIXTURES, PROJECT, REPO


def _rows(verdict: PackVerdict) -> list[tuple[Any, ...]]:
    return [
        (phase, urn, d.policy_name, d.message, d.enforcement_level, d.urn)
        for phase, urn, d in verdict.findings
    ]


@pytest.mark.parametrize(
    ("project_dir", "stack", "pack_dir"),
    [
        (FIXTURES / "insecure", "weak", REPO / "policies"),
        (PROJECT, "open", PROJECT / "policies"),
        (PROJECT, "suppressed", PROJECT / "policies"),
        (REPO, "prod", REPO / "policies"),
    ],
    ids=["insecure-weak", "fixture-open", "fixture-suppressed", "shipped-prod"],
)
def test_streamed_and_sequential_verdicts_are_the_same(project_dir: Path, stack: str, pack_dir: Path) -> None:
    project = load_project(project_dir)
    config = load_stack_config(project, stack)
    pack = load_pack_project(pack_dir)
    policy_config = read_stack_policy_config(policy_config_file(project, stack, None), "the config")

    def started() -> PackProcess:
        return PackProcess(pack, project=project.name, stack=stack, config=config.values)

    process = started()
    try:
        registrations = with_engine_additions(run_stack(project, config), config, project.name)
        port = process.wait_port(30)
        sequential = check_with_pack(
            process, port, config, policy_config, registrations, project=project.name, rpc_timeout=60
        )
    finally:
        process.close()

    process = started()
    try:
        stream = StreamingAnalysis(
            process, config, policy_config, project=project.name, pack_start_timeout=30, rpc_timeout=60
        )
        stream.start()
        streamed_regs = run_stack(project, config, stream.registered)
        streamed = stream.finish(with_engine_additions(streamed_regs, config, project.name))
    finally:
        process.close()

    assert stream.ready_at is not None
    assert _rows(streamed) == _rows(sequential)
    assert streamed.levels == sequential.levels
    if stack in ("weak", "open"):  # these stacks violate policies: the comparison is not vacuous
        assert sequential.findings
