"""Run one command and measure it whole: wall time and the peak memory of its process tree.

The peak is the largest sum of resident set sizes of the command and all its descendants seen at
once, sampled from /proc every few milliseconds (preflight and its pack run side by side, so the
largest single process would understate it). Shared library pages count once per process, which
favours neither tool: both are Python processes. A sample can miss a peak shorter than its
interval; the largest single process's peak (getrusage of the children, exact) is kept as a floor.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
_INTERVAL = 0.01


@dataclass(frozen=True)
class Measured:
    wall: float
    peak_bytes: int
    returncode: int


def _parent(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    # The command name may hold spaces and parentheses: the fields follow the last ')'.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


class _TreeSampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.stop = threading.Event()
        self._parents: dict[int, int] = {}

    def _tree(self) -> list[int]:
        live = {int(p) for p in os.listdir("/proc") if p.isdigit()}
        # A pid's parent is read once, when it first appears; gone pids are forgotten.
        self._parents = {pid: self._parents.get(pid) or _parent(pid) for pid in live}
        children: dict[int, list[int]] = {}
        for pid, ppid in self._parents.items():
            children.setdefault(ppid, []).append(pid)
        tree, frontier = [self.root], [self.root]
        while frontier:
            for pid in children.get(frontier.pop(), ()):
                tree.append(pid)
                frontier.append(pid)
        return tree

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, sum(_rss(pid) for pid in self._tree()))
            time.sleep(_INTERVAL)


def measure(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run argv to completion (stdout and stderr discarded) and measure it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), env=dict(env) if env is not None else None, cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    returncode = proc.wait()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    # ru_maxrss (KiB) is the largest child ever waited for: a floor only when it grew in this run.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    floor = after * 1024 if after > before else 0
    return Measured(wall, max(sampler.peak, floor), returncode)
