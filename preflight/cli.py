"""Command line: `python -m preflight [--stack S | --all-stacks] [--format F] [--output FILE]`."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import EXIT_CRASH, EXIT_USAGE, PreflightError
from .formats import RENDERERS, render
from .project import DEFAULT_STACK
from .run import Options, run


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, exit 2: the contract for bad usage.
        self.exit(EXIT_USAGE, f"preflight: error: {message} (see --help)\n")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m preflight",
        description=(
            "Run a Pulumi Python program offline under a recording engine and check it with its "
            "CrossGuard policy pack, as `pulumi preview --policy-pack` would, without cloud "
            "credentials or the Pulumi CLI. Exit codes: 0 no mandatory violation, 1 mandatory "
            "violations, 2 bad usage or bad config, 3 the program or the pack crashed."
        ),
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--stack",
        action="append",
        metavar="NAME",
        help=f"stack to check (repeatable); default: '{DEFAULT_STACK}' if the project has it, "
        "else the first stack by name",
    )
    which.add_argument(
        "--all-stacks", action="store_true", help="check every stack in the stack config directory"
    )
    p.add_argument(
        "--project-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the Pulumi project (its Pulumi.yaml); default: the current directory",
    )
    p.add_argument(
        "--policy-pack",
        type=Path,
        default=None,
        metavar="DIR",
        help="policy pack directory; default: the project's policies/ when it holds a pack, "
        "else the installed sovereign-guard pack",
    )
    p.add_argument(
        "--policy-config",
        type=Path,
        default=None,
        metavar="FILE",
        help="policy config JSON for every stack checked; "
        "default: <stackConfigDir>/<stack>.policy.json when present",
    )
    p.add_argument(
        "--format", choices=sorted(RENDERERS), default="text", help="report format (default: text)"
    )
    p.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="write the report here, not stdout"
    )
    p.add_argument(
        "--pack-timeout", type=float, default=30.0, metavar="S", help="seconds for the pack to start"
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="stacks checked at once, one process each (default: one per stack, up to the CPUs; "
        "1: one after another)",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks and the pack's stderr on failure")
    p.add_argument("--version", action="version", version=f"preflight {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or bad usage (already reported in one line)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    project_dir = args.project_dir or Path(os.getcwd())
    options = Options(
        project_dir=project_dir,
        stacks=tuple(args.stack or ()),
        all_stacks=args.all_stacks,
        policy_pack=args.policy_pack,
        policy_config=args.policy_config,
        pack_start_timeout=args.pack_timeout,
        jobs=args.jobs,
    )
    try:
        report = run(options)
    except PreflightError as err:
        if args.debug and err.detail:
            sys.stderr.write(err.detail.rstrip() + "\n")
        sys.stderr.write(f"preflight: error: {err.message}\n")
        return err.exit_code
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"preflight: internal error: {type(err).__name__}: {err}\n")
        return EXIT_CRASH

    for stack in report.stacks:
        if stack.error is not None:
            if args.debug and stack.error.detail:
                sys.stderr.write(stack.error.detail.rstrip() + "\n")
            sys.stderr.write(f"preflight: error: {stack.error.message}\n")

    produced = any(s.error is None for s in report.stacks)
    if produced or args.output is not None:
        text = render(report, args.format)
        if args.output is not None:
            try:
                args.output.parent.mkdir(parents=True, exist_ok=True)
                args.output.write_text(text, encoding="utf-8")
            except OSError as err:
                sys.stderr.write(f"preflight: error: cannot write {args.output}: {err.strerror}\n")
                return EXIT_USAGE
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    return report.exit_code
