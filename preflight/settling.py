"""Registrations settled while the program runs, so that memory stays bounded by a batch.

A Pulumi Python program constructs its resources synchronously; each construction only schedules
its registration on the event loop, which runs once the program returns. Until then every
registration's coroutines, tasks and outputs stay alive (about 70 KB per resource, 1.5 GB at
15,000), and most of it is garbage the moment the registration completes. So, every `every`
constructions, the settler lets the event loop run until the registrations started so far are
done, then collects the young generations: the cycles the SDK builds (a resource, its outputs,
their tasks and results) go as soon as the program no longer holds the resource.

This is what the SDK itself does when a program makes a synchronous invoke mid-program
(pulumi.runtime.sync_await._sync_await): it pumps the loop from inside the running callback. The
settler pumps only right after a resource's registration was scheduled (its constructor's last
step), never while a resource is half made. It does not call _sync_await because that function
puts back as many placeholder handles as the loop's ready queue held on entry, so that the outer
callback finds what it expects: right after a batch of constructions the queue holds thousands of
fresh handles, and the placeholders pile up from one pump to the next (177,000 of them at 4,500
resources). The settler puts back only what the outer callback had when the program started.

Output callbacks (apply) run earlier than they would under the engine, at a settlement rather than
after the program: a callback that reads state the program changes later sees the value of that
moment. Otherwise what the pack sees does not change: the same registrations, with the same inputs
and source lines (frames outer to a pump belong to another resource's construction:
recorder._source stops there), listed in construction order (creation_order).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, cast

from pulumi.runtime.settings import _get_rpc_manager

SETTLE_EVERY = 128
"""Constructions between two settlements: enough to keep the pumping's own cost small (a few
percent of the program), few enough that a batch's garbage is a few megabytes."""
_STALL = 0.05
"""Seconds without any registration finishing after which a settlement stops waiting: a
registration can wait on a value the program has not produced yet."""
PUMP_FILE = Path(__file__).resolve()
"""Stack frames outer to this file's belong to the construction that triggered the pump."""


class Settler:
    """Settle registrations every `every` constructions (0: never); `enter` once the program has
    started."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.settlements = 0
        self._outer_ready: int | None = None
        self._program: asyncio.Task[Any] | None = None
        self._since = 0
        self._stalled: set[Any] = set()
        self._pruned = 0

    def enter(self) -> None:
        """Called from inside the program's callback, before it constructs anything: the outer
        callback's pending handles are the ones the loop's ready queue holds now."""
        self._outer_ready = len(asyncio.get_event_loop()._ready)  # type: ignore[attr-defined]
        self._program = asyncio.current_task()

    def constructed(self) -> None:
        self._since += 1
        # Only from the program's own synchronous code: a resource an output's callback creates
        # is constructed while the loop is already being run (by a settlement, by the SDK's
        # _sync_await, or after the program), whose caller expects its own handles back.
        if not self.every or self._outer_ready is None or asyncio.current_task() is not self._program:
            return
        if self._since >= self.every:
            self._since = 0
            self._run_loop_until(self._settle())
            gc.collect(1)
            self.settlements += 1

    async def _settle(self) -> None:
        # The SDK types them as awaitables; they are the tasks asyncio.ensure_future made.
        rpcs = cast("list[asyncio.Future[Any]]", _get_rpc_manager().rpcs)
        started = -1
        while True:
            # Scheduled registrations join the RPC list only once they first run.
            await asyncio.sleep(0)
            pending = self._pending(rpcs)
            if not pending:
                if self._arrived(rpcs) == started:
                    return
                started = self._arrived(rpcs)
                continue
            started = self._arrived(rpcs)
            done, _ = await asyncio.wait(pending, timeout=_STALL, return_when=asyncio.FIRST_COMPLETED)
            if not done:
                # Waiting on something the program will produce later: not waited for again.
                self._stalled.update(pending)
                return

    def _pending(self, rpcs: list[asyncio.Future[Any]]) -> list[asyncio.Future[Any]]:
        """The RPCs still to wait for. Those done without error leave the SDK's list, which
        otherwise holds every registration's task and result to the end of the program, and which
        every settlement would scan whole (quadratic over the run); wait_for_rpcs only awaits them,
        and a failed one stays for it to raise."""
        kept = [rpc for rpc in rpcs if not rpc.done() or rpc.cancelled() or rpc.exception() is not None]
        self._pruned += len(rpcs) - len(kept)
        rpcs[:] = kept
        # A stalled registration that finished since is no longer held here either.
        self._stalled = {rpc for rpc in self._stalled if not rpc.done()}
        return [rpc for rpc in rpcs if not rpc.done() and rpc not in self._stalled]

    def _arrived(self, rpcs: list[asyncio.Future[Any]]) -> int:
        """How many RPCs have joined the SDK's list so far, pruned ones included."""
        return self._pruned + len(rpcs)

    def _run_loop_until(self, awaitable: Awaitable[None]) -> None:
        loop = asyncio.get_event_loop()
        future = asyncio.ensure_future(awaitable)
        task = asyncio.current_task(loop)
        if task is not None:  # as _sync_await: the program's task steps aside while the loop runs
            asyncio.tasks._leave_task(loop, task)
        try:
            while not future.done():
                loop._run_once()  # type: ignore[attr-defined]
            ready = loop._ready  # type: ignore[attr-defined]
            while len(ready) < (self._outer_ready or 0):
                placeholder = asyncio.Handle(lambda: None, [], loop)
                placeholder.cancel()
                ready.append(placeholder)
        finally:
            if task is not None:
                asyncio.tasks._enter_task(loop, task)
        future.result()
