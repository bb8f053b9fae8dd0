"""Run one stack of a project's program under the recording engine, with preview semantics.

Preview semantics: as in `pulumi preview` of a new stack, no resource exists yet, so every id and
every output the program did not set itself is unknown. Policies then see exactly what the engine
would show them (a policy touching an unknown value gets the same advisory "can't run policy during
preview" as under the CLI).

Stacks run one after another in this process. What one run could leave behind for the next is the
program's own modules (cached in sys.modules): they are dropped after each run, so every stack
imports its program afresh. Third-party modules (pulumi, providers) stay imported: that is where the
time goes, and they hold no per-stack state.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks

from .errors import CrashError, UsageError
from .project import Project
from .recorder import RecordingMocks, RecordingMonitor, run_program
from .registration import Registration
from .secure_config import RawStackConfig


class PreviewMocks(RecordingMocks):
    """Resources get no id (unknown during a preview) and echo their inputs as outputs."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return "", dict(args.inputs)


@contextlib.contextmanager
def _isolated(project: Project) -> Iterator[None]:
    """Forget the program's modules afterwards; keep the program's prints off our stdout."""
    before = set(sys.modules)
    roots = {project.dir, project.program_dir}
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        for name in set(sys.modules) - before:
            module = sys.modules.get(name)
            origin = getattr(module, "__file__", None)
            if origin and "site-packages" not in origin:
                path = Path(origin).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    del sys.modules[name]


def _program_frame(tb: traceback.StackSummary, project: Project) -> str:
    """The innermost frame of the traceback that is in the project, as 'file:line'."""
    for frame in reversed(tb):
        path = Path(frame.filename)
        if path.is_absolute() and path.is_relative_to(project.dir) and "site-packages" not in path.parts:
            return f"{path.relative_to(project.dir)}:{frame.lineno}"
    return ""


def run_stack(
    project: Project,
    config: RawStackConfig,
    on_registration: Callable[[Registration], None] | None = None,
) -> list[Registration]:
    """Every registration the program makes for this stack, in order; each is also handed to
    on_registration as it arrives, while the program still runs.

    A pulumi.RunError (the program's way to reject its config) is a usage error carrying the
    program's own one-line message; any other exception is a crash.
    """
    monitor = RecordingMonitor(PreviewMocks(), project.name, config.stack, project.dir)
    monitor.listener = on_registration
    try:
        with _isolated(project):
            return run_program(
                project.program_dir,
                project=project.name,
                stack=config.stack,
                config=config.values,
                secret_keys=config.secret_keys,
                preview=True,
                monitor=monitor,
            )
    except pulumi.RunError as err:
        raise UsageError(f"stack '{config.stack}': {err}", detail=traceback.format_exc()) from None
    except (Exception, SystemExit) as err:
        where = _program_frame(traceback.extract_tb(err.__traceback__), project)
        at = f" at {where}" if where else ""
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise CrashError(
            f"stack '{config.stack}': the program raised {type(err).__name__}{at}: {first}".rstrip(": "),
            detail=traceback.format_exc(),
        ) from None
