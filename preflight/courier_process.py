"""The courier process (courier.py) seen from preflight: requests in, answers out, a clear failure.

Started once the pack serves, fed by the analysis thread, read by a thread of its own that hands
each answer, with the URN of its request, to `on_answer`. A courier that stops before answering
every request is a crash that names its exit code and the last line of its stderr.
"""

from __future__ import annotations

import collections
import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from . import courier
from .errors import CrashError
from .process import TAIL_LINES, child_failure, drain_lines, start_child

COURIER = Path(courier.__file__).resolve()
_EXIT_WAIT = 3.0
"""Seconds a courier that stopped reading is given to exit, and its stderr to be read."""


class CourierProcess:
    def __init__(self, port: int, rpc_timeout: float, on_answer: Callable[[str, bytes, bytes], None]) -> None:
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._urns: collections.deque[str] = collections.deque()
        self._read_error: BaseException | None = None
        # -P: the courier's directory (preflight/) stays off the child's sys.path, so that no
        # preflight module can stand in for a standard one there.
        self.proc = start_child(
            "the Analyze courier",
            [sys.executable, "-P", str(COURIER), str(port), repr(rpc_timeout)],
            stdin=subprocess.PIPE,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._requests = self.proc.stdin
        self._stderr = threading.Thread(
            target=drain_lines, args=(self.proc.stderr, self.stderr_tail, None), daemon=True
        )
        self._reader = threading.Thread(
            target=self._read, args=(on_answer,), name="preflight-answers", daemon=True
        )
        self._stderr.start()
        self._reader.start()

    def send(self, requests: Iterable[tuple[str, bytes]]) -> None:
        """Send (URN, serialized AnalyzeRequest) pairs, in one write."""
        frames = []
        for urn, request in requests:
            self._urns.append(urn)
            frames.append(courier.request_frame(request))
        try:
            self._requests.write(b"".join(frames))
            self._requests.flush()
        except (BrokenPipeError, ValueError):
            raise self._stopped() from None

    def _read(self, on_answer: Callable[[str, bytes, bytes], None]) -> None:
        assert self.proc.stdout is not None
        try:
            for kind, body in courier.read_answers(self.proc.stdout):
                on_answer(self._urns.popleft(), kind, body)
        except BaseException as err:  # handed to finish(), in the analysis thread
            self._read_error = err
            # Nobody reads the courier's answers any more: stopped, it cannot fill its pipe and
            # block, and whoever writes to it or waits for it hears so at once.
            self.proc.kill()

    def finish(self) -> None:
        """No more requests: wait for the last answers and for the courier to exit."""
        with contextlib.suppress(BrokenPipeError):
            self._requests.close()
        self._reader.join()  # its answers end when the courier exits or the reading fails
        try:
            self.proc.wait(timeout=_EXIT_WAIT)
        except subprocess.TimeoutExpired:  # stuck after its last answer: nothing is lost
            self.proc.kill()
            self.proc.wait()
            if self._read_error is None and not self._urns:
                return
        if self._read_error is not None or self.proc.returncode != 0 or self._urns:
            raise self._stopped()

    def _stopped(self) -> CrashError:
        try:
            self.proc.wait(timeout=_EXIT_WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.join(timeout=_EXIT_WAIT)  # its last lines, which say why
        if self._read_error is not None:
            # The first thing that went wrong; the courier's exit is its consequence.
            message = f"preflight could not read the Analyze courier's answers: {self._read_error!r}"
        else:
            message = (
                f"the Analyze courier stopped (exit code {self.proc.returncode}) "
                f"with requests unanswered: {len(self._urns)}"
            )
        return child_failure(message, self.stderr_tail)

    def close(self) -> None:
        """Stop at once (the program or the pack failed)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
