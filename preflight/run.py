"""One preflight run, the function the CLI calls: for each stack, the program under the recording
engine and the pack over gRPC, into one Report.

The steps, one module each: project.py locates the project and its stacks; secure_config.py reads
a stack's config with `secure:` values held back; program.py and engine.py record what the
program registers; analysis.py gets the pack's verdict; violations.py turns it into violations
with their suppressions; component_tables.py reads the tables components publish; redaction.py
keeps every secret out of the report.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from . import __version__
from .errors import PreflightError, UsageError
from .locations import Locator
from .model import Report, Resource, StackError, StackResult
from .opaque_components import opaque_component_findings
from .pack_location import default_pack_dir
from .process import PackProcess, PackProject, load_pack_project
from .project import Project, load_project, policy_config_file, repo_root, stacks_to_check
from .redaction import SecretRedactor
from .secure_config import RawStackConfig, load_stack_config

if TYPE_CHECKING:
    from .analysis import PackVerdict, PolicyConfig
    from .pack import PackInfo
    from .registration import Registration

_THREAD_TURN = 0.001
"""Seconds a thread runs before another may take the interpreter (sys.setswitchinterval)."""

# Heavy modules (pulumi, grpc, the program's own) are imported only once the pack process has
# been started, so that its start-up overlaps ours.


@dataclass(frozen=True)
class Options:
    project_dir: Path
    stacks: tuple[str, ...] = ()
    all_stacks: bool = False
    policy_pack: Path | None = None
    policy_config: Path | None = None
    pack_start_timeout: float = 30.0
    rpc_timeout: float = 120.0
    jobs: int = 0
    """Stacks checked at once: 0 for one per stack up to the machine's CPUs, 1 for one after
    another in this process."""


@dataclass(frozen=True)
class _Run:
    """What every stack of one run shares."""

    options: Options
    project: Project
    pack: PackProject
    locator: Locator
    secrets: SecretRedactor
    report: Report


def run(options: Options) -> Report:
    """Run every requested stack; a stack's failure is recorded in its result, never raised.
    Several stacks are checked at once, one process each (stack_processes.py)."""
    stacks = stacks_to_check(load_project(options.project_dir), options.stacks, options.all_stacks)
    jobs = min(len(stacks), options.jobs or os.cpu_count() or 1)
    if jobs > 1:
        from .stack_processes import check_in_processes

        return check_in_processes(options, stacks, jobs, check_sequentially)
    return check_sequentially(options)[0]


def check_sequentially(options: Options) -> tuple[Report, set[str]]:
    """Every requested stack in this process, one after another; and the secrets learnt."""
    project = load_project(options.project_dir)
    pack = load_pack_project(options.policy_pack or default_pack_dir(project.dir))
    stacks = stacks_to_check(project, options.stacks, options.all_stacks)
    root = repo_root(project.dir)
    locator = Locator(project, root)
    report = Report(
        tool_version=__version__,
        project=project.name,
        project_dir=locator.at(project.dir, 1).repo_path if project.dir != root else ".",
        pack_dir=locator.at(pack.dir, 1).repo_path if pack.dir.is_relative_to(root) else str(pack.dir),
    )
    shared = _Run(options, project, pack, locator, SecretRedactor(), report)
    for stack in stacks:
        report.stacks.append(_run_stack_or_record_error(shared, stack))
    return report, shared.secrets.values


def _run_stack_or_record_error(run_: _Run, stack: str) -> StackResult:
    try:
        return _run_stack(run_, stack)
    except PreflightError as err:
        kind = "usage" if isinstance(err, UsageError) else "crash"
        error = StackError(kind, run_.secrets.scrub(err.message), run_.secrets.scrub(err.detail))
        return StackResult(stack=stack, stack_file="", error=error)


def _run_stack(run_: _Run, stack: str) -> StackResult:
    config = load_stack_config(run_.project, stack)
    run_.secrets.add_config(config)
    started = time.perf_counter()
    # The pack starts first and boots while the program runs.
    process = PackProcess(run_.pack, project=run_.project.name, stack=stack, config=config.values)
    from .recorder import no_cyclic_gc

    try:
        with no_cyclic_gc(), _short_thread_turns():
            return _check_stack(run_, config, process, started)
    finally:
        process.close()


@contextmanager
def _short_thread_turns() -> Iterator[None]:
    """The analysis thread (analysis_stream.py) shares the interpreter with the program: at the
    default switch interval it got a turn every 5 ms, fell 3,700 registrations behind at 4,500
    resources and left the pack idle while the program ran. At 1 ms it keeps level with the
    program (wall time 11.3 s -> 8.8 s at 4,500 resources). Since the courier makes the calls
    (courier.py), the thread only builds requests, and 1 ms is still the fastest: 6.4 s against
    6.5 s at 2 ms and 6.7 s at 5 ms."""
    default = sys.getswitchinterval()
    sys.setswitchinterval(_THREAD_TURN)
    try:
        yield
    finally:
        sys.setswitchinterval(default)


def _check_stack(run_: _Run, config: RawStackConfig, process: PackProcess, started: float) -> StackResult:
    from .analysis_stream import StreamingAnalysis

    result = StackResult(stack=config.stack, stack_file=run_.locator.at(config.file, 1).path)
    policy_config = _policy_config(run_, config.stack, result)
    # The pack analyzes each registration as it arrives, while the program still runs.
    stream = StreamingAnalysis(
        process,
        config,
        policy_config,
        project=run_.project.name,
        pack_start_timeout=run_.options.pack_start_timeout,
        rpc_timeout=run_.options.rpc_timeout,
    )
    stream.start()
    try:
        registrations, program_done = _record_program(run_, config, stream.registered)
    except BaseException:
        stream.close()
        raise
    verdict = stream.finish(registrations)
    done = time.perf_counter()
    ready = stream.ready_at if stream.ready_at is not None else done
    result.timings["program"] = program_done - started
    result.timings["pack_start_wait"] = max(0.0, ready - program_done)
    result.timings["policy"] = done - ready
    result.timings["overlap"] = max(0.0, program_done - ready)
    if not run_.report.pack_name:
        _describe_pack(run_.report, verdict.info)
    _fill_result(run_, result, config, verdict, registrations)
    return result


def _policy_config(run_: _Run, stack: str, result: StackResult) -> PolicyConfig:
    """Read before the program runs, so that a bad policy config fails fast (exit 2)."""
    from .analysis import read_stack_policy_config

    path = policy_config_file(run_.project, stack, run_.options.policy_config)
    if path:
        result.policy_config = run_.locator.at(path, 1).path
    return read_stack_policy_config(path, result.policy_config)


def _record_program(
    run_: _Run, config: RawStackConfig, on_registration: Callable[[Registration], None]
) -> tuple[list[Registration], float]:
    """What the engine would see (the program's registrations and the engine's additions), and
    when the program itself finished."""
    from .engine import with_engine_additions
    from .program import run_stack

    registrations = run_stack(run_.project, config, on_registration)
    program_done = time.perf_counter()
    registrations = with_engine_additions(registrations, config, run_.project.name)
    run_.secrets.add_registrations(registrations)
    return registrations, program_done


def _fill_result(
    run_: _Run,
    result: StackResult,
    config: RawStackConfig,
    verdict: PackVerdict,
    registrations: list[Registration],
) -> None:
    from .component_tables import component_table
    from .violations import stack_violations

    secrets = run_.secrets
    result.policies = verdict.levels
    result.resources = _resources(registrations, run_.locator, config.file, secrets)
    result.violations = stack_violations(
        config.stack,
        verdict,
        registrations,
        locator=run_.locator,
        stack_file=config.file,
        scrub=secrets.scrub,
        policy_config_name=result.policy_config,
    )
    # Components whose objects the pack never saw offline are findings too (opaque_components.py).
    result.violations += opaque_component_findings(
        config.stack,
        registrations,
        lambda reg: run_.locator.of_registration(reg, config.file),
        __version__,
        secrets.scrub,
    )
    result.flow_matrix = component_table(registrations, FLOW_MATRIX, secrets)
    result.key_custody = component_table(registrations, KEY_CUSTODY, secrets)


def _resources(
    registrations: list[Registration], locator: Locator, stack_file: Path, secrets: SecretRedactor
) -> list[Resource]:
    # A name or URN can carry a secret the program interpolated into it; scrub them like messages.
    return [
        Resource(
            secrets.scrub(r.urn),
            r.type,
            secrets.scrub(r.name),
            r.custom,
            locator.of_registration(r, stack_file),
        )
        for r in registrations
    ]


def _describe_pack(report: Report, info: PackInfo) -> None:
    report.pack_name, report.pack_version = info.name, info.version
    report.policies = dict(info.policies)
