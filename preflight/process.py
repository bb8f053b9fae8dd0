"""The policy pack process, started as the Pulumi CLI starts it.

The CLI runs a Python pack as `python -u -m pulumi.policy <engine-address> .` with the pack
directory as cwd (the interpreter comes from the `virtualenv` runtime option of PulumiPolicy.yaml)
and with PULUMI_CONFIG, PULUMI_PROJECT, PULUMI_STACK and PULUMI_DRY_RUN in the environment. The pack
prints its port on the first line of stdout and serves gRPC on 127.0.0.1. `pulumi.policy` parses the
engine address but never dials it (pulumi.policy.__main__ in pulumi 3.272): there is no engine
here, so preflight passes an address nobody listens on.

This module imports nothing heavy, so that the pack can start while preflight itself is still
importing pulumi and running the program.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

from .errors import CrashError, UsageError

NO_ENGINE_ADDRESS = "127.0.0.1:0"
# Linux's MAX_ARG_STRLEN: the longest single "NAME=value" string a process may receive. The engine
# passes the pack its config in one variable (PULUMI_CONFIG), so the CLI cannot pass more either.
MAX_ENV_STRING = 131072


def config_for_environment(config: Mapping[str, str]) -> str:
    """PULUMI_CONFIG as the engine sets it, refused (naming the largest key) when it cannot fit."""
    text = json.dumps(dict(config), sort_keys=True)
    size = len(f"PULUMI_CONFIG={text}".encode())
    if size >= MAX_ENV_STRING:
        largest = max(config, key=lambda k: len(config[k]))
        raise UsageError(
            f"the stack's config is {size} bytes as the engine hands it to the policy pack "
            f"(PULUMI_CONFIG), above the operating system's {MAX_ENV_STRING}-byte limit that the "
            f"Pulumi CLI meets too; the largest value is '{largest}' ({len(config[largest])} bytes)"
        )
    return text
TAIL_LINES = 30


@dataclass(frozen=True)
class PackProject:
    """The pack directory and what its PulumiPolicy.yaml says."""

    dir: Path
    version: str
    description: str
    interpreter: str


def load_pack_project(pack_dir: Path) -> PackProject:
    pack_dir = pack_dir.resolve()
    manifest = pack_dir / "PulumiPolicy.yaml"
    if not manifest.is_file():
        raise UsageError(
            f"no PulumiPolicy.yaml in {pack_dir}: pass --policy-pack with a policy pack directory"
        )
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        raise UsageError(f"{manifest} is not valid YAML") from None
    if not isinstance(data, dict):
        raise UsageError(f"{manifest} must be a YAML mapping")
    runtime = data.get("runtime")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise UsageError(f"{manifest}: runtime is {name!r}; preflight starts Python policy packs only")
    options = runtime.get("options") or {} if isinstance(runtime, dict) else {}
    interpreter = sys.executable
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str) and venv:
        venv_dir = Path(venv) if Path(venv).is_absolute() else pack_dir / venv
        for candidate in (venv_dir / "bin" / "python", venv_dir / "Scripts" / "python.exe"):
            if candidate.is_file():
                interpreter = str(candidate)
                break
    return PackProject(
        pack_dir, str(data.get("version") or ""), str(data.get("description") or ""), interpreter
    )


def drain_lines(stream: IO[bytes], sink: collections.deque[str], first: queue.Queue[str] | None) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if first is not None:
            first.put(line)
            first = None
        else:
            sink.append(line)
    if first is not None:
        first.put("")


def start_child(what: str, argv: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """A child process with its stdout and stderr piped; a crash naming `what` if it cannot start."""
    try:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options)
    except OSError as err:
        raise CrashError(f"cannot start {what} with {argv[0]}: {err.strerror}") from None


def child_failure(message: str, stderr_tail: Iterable[str]) -> CrashError:
    """A crash of a child process: `message`, then the last line it wrote on stderr, if any."""
    lines = [line.strip() for line in stderr_tail if line.strip()]
    if lines:
        message = f"{message}; its stderr ends: {lines[-1][:300]}"
    return CrashError(message, detail="\n".join(stderr_tail).strip())


class PackProcess:
    """One running pack; always terminated on close(), whatever happened."""

    def __init__(self, pack: PackProject, *, project: str, stack: str, config: Mapping[str, str]) -> None:
        self.pack = pack
        env = dict(os.environ)
        env.update(
            {
                "PULUMI_PROJECT": project,
                "PULUMI_STACK": stack,
                "PULUMI_DRY_RUN": "true",
            }
        )
        if config:
            env["PULUMI_CONFIG"] = config_for_environment(config)
        else:
            env.pop("PULUMI_CONFIG", None)
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._stdout_rest: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._first_line: queue.Queue[str] = queue.Queue(maxsize=1)
        self.proc = start_child(
            "the policy pack",
            [pack.interpreter, "-u", "-m", "pulumi.policy", NO_ENGINE_ADDRESS, "."],
            cwd=pack.dir,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for stream, sink, first in (
            (self.proc.stdout, self._stdout_rest, self._first_line),
            (self.proc.stderr, self.stderr_tail, None),
        ):
            threading.Thread(target=drain_lines, args=(stream, sink, first), daemon=True).start()

    def wait_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._first_line.get(timeout=0.02)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise self.failure(f"the policy pack printed no port within {timeout:g} s") from None
        if not line.strip().isdigit():
            if self.proc.poll() is not None or not line:
                self._settle()
                raise self.failure(f"the policy pack exited with code {self.proc.poll()} before serving")
            raise self.failure(f"the policy pack printed {line[:80]!r} where its port was expected")
        return int(line.strip())

    def _settle(self) -> None:
        # Let the drain threads catch the last stderr lines of a process that just exited.
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=1)
        time.sleep(0.05)

    def failure(self, message: str) -> CrashError:
        return child_failure(message, self.stderr_tail)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
