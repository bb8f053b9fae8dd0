"""Several stacks checked at once, one process per stack, merged into the report a sequential run
gives.

The Pulumi SDK keeps its runtime (settings, root resource, RPC manager) in one set of globals per
process, so two programs cannot run side by side in one process. With several stacks, they are
dealt into lanes, one per job: the first lane runs in this process, every other lane in a child
process (spawned: nothing of the parent's runtime is inherited), each stack with a pack of its
own. The stacks come back in the order they were asked for, whichever finishes first. A child
costs its start and imports (about a second): for a few stacks of a few hundred resources, one
lane is as fast; for large stacks, the lanes share the machine's cores.

Each child scrubs its report with the secrets it learnt; the merged report is scrubbed once more
with every stack's secrets, so that a secret of one stack found in another stack's text is hidden
too (a sequential run scrubbed a stack only with the secrets of the stacks before it).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from .redaction import SecretRedactor

if TYPE_CHECKING:
    from .model import Report

Lane = Callable[[Any], "tuple[Report, set[str]]"]
"""Checks the stacks of its options one after another (run.check_sequentially); passed in, and
pickled by name for a child, so that this module needs nothing of run.py."""


def check_in_processes(options: Any, stacks: list[str], jobs: int, check: Lane) -> Report:
    """The report of `stacks`, in that order, checked in `jobs` lanes at once: the first lane in
    this process (its imports are paid once anyway), each other lane in a child process."""
    lanes = [stacks[i::jobs] for i in range(jobs)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=context) as pool:
        children = [pool.submit(_lane, check, options, lane) for lane in lanes[1:]]
        try:
            answers = [_lane(check, options, lanes[0])] + [child.result() for child in children]
        except BaseException:
            pool.shutdown(cancel_futures=True)  # not waiting for lanes whose report is lost anyway
            raise
    by_stack = {result.stack: result for report, _ in answers for result in report.stacks}
    merged = answers[0][0]
    merged.stacks = [by_stack[stack] for stack in stacks]
    secrets = SecretRedactor()
    for report, values in answers:
        if not merged.pack_name and report.pack_name:
            merged.pack_name, merged.pack_version = report.pack_name, report.pack_version
            merged.policies = report.policies
        secrets.values |= values
    merged.stacks = [_scrubbed(result, secrets.scrub) for result in merged.stacks]
    return merged


def _lane(check: Lane, options: Any, stacks: list[str]) -> tuple[Report, set[str]]:
    """Some stacks, one after another, and the secrets they taught (from a child, they come back
    through the pool's pipe, never through a log)."""
    return check(dataclasses.replace(options, stacks=tuple(stacks), all_stacks=False))


_NOT_SCRUBBED = frozenset(
    {"stack", "stack_file", "policy_config", "policy", "pack", "pack_version", "enforcement", "severity"}
    | {"resource_type", "type", "phase", "kind", "tags", "policies", "timings"}
)
"""Fields a sequential run never scrubs either: names the tool and the pack give, not the program's
text (a secret that happens to lie inside "mandatory" must not change a level)."""


def _scrubbed(value: Any, scrub: Callable[[str], str]) -> Any:
    """Every text of a report value the program or its config could have written, scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrubbed(v, scrub) for v in value]
    if isinstance(value, tuple):
        return tuple(_scrubbed(v, scrub) for v in value)
    if isinstance(value, dict):
        return {k: _scrubbed(v, scrub) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value) if f.name not in _NOT_SCRUBBED]
        changes = {name: _scrubbed(getattr(value, name), scrub) for name in fields}
        return dataclasses.replace(value, **changes)
    return value
