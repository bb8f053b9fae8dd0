"""The pack's verdict on one stack, with Analyze requests sent while the program still runs.

The engine analyzes each resource as it is registered; so does this. A thread of its own waits for
the pack's port, configures the pack as the engine does (Handshake, ConfigureStack, GetAnalyzerInfo,
Configure), then turns every registration the recording monitor hands it into the AnalyzeRequest
the engine would send (engine.EngineView: default providers in, provider inputs completed) and
hands it to the courier, a child process that sends it to the pack (courier.py: the gRPC calls'
own cost stays out of the program's process). Preflight's process runs the program while the pack
process analyzes: the processes use the machine's cores side by side. AnalyzeStack follows the
last registration, on preflight's own connection.

Registrations arrive in the SDK's thread order; the verdict lists the answers in the order the
program constructed the resources (creation_order), exactly as the one-after-the-other path
(analysis.check_with_pack) lists them, and a failure names the first resource in that order.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from . import courier
from .analysis import PackVerdict, PolicyConfig
from .courier_process import CourierProcess
from .engine import EngineView, serialized_stack_request
from .findings import Finding, findings
from .pack import PackInfo, PackSession
from .pack_config import reconcile_policy_config
from .process import PackProcess
from .registration import Registration
from .secure_config import RawStackConfig

_DONE = None


class StreamingAnalysis:
    """Start it before the program, hand it each registration, finish it with the final list."""

    def __init__(
        self,
        process: PackProcess,
        config: RawStackConfig,
        policy_config: PolicyConfig,
        *,
        project: str,
        pack_start_timeout: float,
        rpc_timeout: float,
    ) -> None:
        self.process = process
        self.config = config
        self.policy_config = policy_config
        self.project = project
        self.pack_start_timeout = pack_start_timeout
        self.rpc_timeout = rpc_timeout
        self.ready_at: float | None = None
        """When the pack was configured and Analyze could start (time.perf_counter())."""
        self._inbox: queue.SimpleQueue[Registration | None] = queue.SimpleQueue()
        # A list per URN (a URN registered twice has two answers): a deque is 600 bytes, 9 MB over
        # 15,000 resources.
        self._answers: dict[str, list[list[Finding] | str]] = {}
        self._session: PackSession | None = None
        self._courier: CourierProcess | None = None
        self._info: PackInfo | None = None
        self._levels: dict[str, tuple[str, dict[str, Any]]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="preflight-analyze", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def registered(self, reg: Registration) -> None:
        """The recording monitor's listener: never blocks the program."""
        self._inbox.put(reg)

    def _work(self) -> None:
        try:
            port = self.process.wait_port(self.pack_start_timeout)
            session = self._session = PackSession(self.process, port, rpc_timeout=self.rpc_timeout)
            session.handshake(self.project, self.config.stack, self.config.values, self.config.secret_keys)
            info = self._info = session.info(self.process.pack.version, self.process.pack.description)
            self._levels = reconcile_policy_config(info, self.policy_config.given, self.policy_config.source)
            session.configure(self._levels)
            self.ready_at = time.perf_counter()
            self._analyze(port)
        except BaseException as err:  # handed to the caller of finish(), in the main thread
            self._error = err

    def _analyze(self, port: int) -> None:
        view = EngineView(self.config, self.project)
        sender = self._courier = CourierProcess(port, self.rpc_timeout, self._answered)
        finished = False
        while not finished:
            # What arrived while the courier was being written to goes in the next write, at once.
            arrived = [self._inbox.get()]
            while not self._inbox.empty():
                arrived.append(self._inbox.get())
            registrations: list[Registration] = []
            for reg in arrived:
                if reg is _DONE:
                    finished = True
                    break
                registrations.append(reg)
            sender.send(
                (added.urn, view.analyze_request(added).SerializeToString())
                for reg in registrations
                for added in view.add(reg)
            )
        sender.finish()

    def _answered(self, urn: str, kind: bytes, body: bytes) -> None:
        """The courier's reader thread, with one answer."""
        answer: list[Finding] | str
        if kind == courier.ANSWER:
            answer = findings("resource", urn, analyzer_pb2.AnalyzeResponse.FromString(body))
        else:
            answer = PackSession.analyze_failure_message(urn, body.decode("utf-8", "replace"))
        self._answers.setdefault(urn, []).append(answer)

    def finish(self, registrations: list[Registration]) -> PackVerdict:
        """The verdict, once the program is done: `registrations` as the engine holds them, in
        construction order. Raises what the pack or its configuration raised."""
        self._inbox.put(_DONE)
        try:
            # Built while the last Analyze answers come in.
            stack_request = serialized_stack_request(registrations)
            self._thread.join()
            if self._error is not None:
                raise self._error
            assert self._session is not None and self._info is not None
            found: list[Finding] = []
            for reg in registrations:
                answer = self._answers[reg.urn].pop(0)
                if isinstance(answer, str):
                    raise self.process.failure(answer)
                found += answer
            stack = self._session.analyze_stack(stack_request)
            found += findings("stack", "", stack)
        finally:
            self.close()
        levels = {name: level for name, (level, _) in sorted(self._levels.items())}
        return PackVerdict(self._info, levels, found)

    def close(self) -> None:
        """Stop at once (the program failed): the thread ends when the pack is gone."""
        self._inbox.put(_DONE)
        if self._courier is not None:
            self._courier.close()
        if self._session is not None:
            self._session.close()
