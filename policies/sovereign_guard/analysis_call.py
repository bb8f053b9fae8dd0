"""The contract between the policies of one analyzer call: settings first, disclosures last.

pulumi-policy gives each policy only its own config, and runs the pack's policies one after the
other, in the pack's list order, on the gRPC thread that serves the call: Analyze (one resource)
runs every resource policy, AnalyzeStack every stack policy, and the engine sends AnalyzeStack
after every Analyze of the run. Three policies share state through that order, and `CALL` (an
`AnalysisCall`) is where they do it. Its lifecycle, per call:

1. open (`CALL.open`): the settings policy, `hygiene-policy-config-require-validity`, which must be
   the FIRST resource policy, parses its config into `Settings`, publishes them for the whole
   process (cached on the config's content, today's date and the stack variables) and starts this
   thread's disclosure queue afresh. The framework does this for the settings policy on every
   resource, before its type filter. Its own check reports the config's problems once per run: on
   the first provider resource analysed after the settings were published (`CALL.first_report`),
   which the engine analyses before any resource that uses it, so a mandatory problem still stops
   the run before anything is created; the other providers answer not applicable.
2. read and defer: every other policy reads the published settings (`CALL.settings()`); when a
   finding is suppressed, the framework defers it (`CALL.defer`) instead of reporting it.
3. close (`CALL.take`): the disclosure policy, `hygiene-suppression-enforce-disclosure`, which
   must be the LAST resource policy, takes this resource's deferred findings and reports each with
   its reason; `hygiene-stack-suppression-enforce-disclosure`, the LAST stack policy, does the same
   for the stack policies' findings in AnalyzeStack. AnalyzeStack opens nothing: the settings of
   the run's Analyze calls apply.

Out of order, a suppression would be applied with the previous call's settings or none (the first
resource of a run would be blocked although suppressed), and a finding deferred after its
disclosure ran would never be reported. So `check_order` refuses to build the pack in another
order, and tests/policies/test_pack_process.py drives a fresh pack process to prove the first call
both applies and discloses a suppression.

Before any settings policy has run (unit tests, or the settings policy disabled), `settings()`
falls back to safe defaults: the environment from the stack name and the program's config
(unknown means prod), nothing exposed, no approved endpoint, no suppression.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from . import clock
from . import settings as settings_mod
from .environment import program_environment, program_health_data, resolve_environment
from .suppressions import Suppression, applied_message

RESOURCE = "resource"
STACK = "stack"


@dataclass(frozen=True)
class Deferred:
    """A suppressed finding, waiting for its disclosure policy."""

    policy: str
    urn: str
    message: str
    suppression: Suppression
    phase: str
    """RESOURCE (an Analyze call) or STACK (AnalyzeStack)."""

    def disclosure(self) -> str:
        return applied_message(self.suppression, self.policy, self.urn, self.message)


class AnalysisCall:
    """Published settings (one per process) and the deferred findings (one queue per thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: settings_mod.Settings | None = None
        self._cache_key: str | None = None
        # Bumped whenever other settings are published; `first_report` hands out one claim per value.
        self._generation = 0
        self._reported_generation: int | None = None
        self._local = threading.local()

    # -- 1. open ---------------------------------------------------------------------------------

    def open(self, config: Mapping[str, Any] | None, known_policies: Iterable[str]) -> settings_mod.Settings:
        """Start a call: publish the settings parsed from the settings policy's config, empty the queue."""
        self._queue().clear()
        env = [os.environ.get(k, "") for k in ("PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_CONFIG")]
        key = json.dumps([config or {}, clock.today().isoformat(), env], sort_keys=True, default=str)
        with self._lock:
            if self._settings is not None and key == self._cache_key:
                return self._settings
        parsed = settings_mod.parse(config, known_policies)
        with self._lock:
            if key != self._cache_key:  # another thread may have published the same settings first
                self._generation += 1
            self._settings, self._cache_key = parsed, key
        return parsed

    def publish(self, settings: settings_mod.Settings | None) -> None:
        """Set (or, with None, clear) the published settings; for tests and tools."""
        with self._lock:
            self._settings, self._cache_key = settings, None
            self._generation += 1

    def first_report(self) -> bool:
        """True for the first caller since the current settings were published, False after: the
        settings policy reports the settings' problems once per run, not once per provider."""
        with self._lock:
            if self._reported_generation == self._generation:
                return False
            self._reported_generation = self._generation
            return True

    # -- 2. read and defer -----------------------------------------------------------------------

    def settings(self) -> settings_mod.Settings:
        with self._lock:
            if self._settings is not None:
                return self._settings
        program_value, program_key = program_environment()
        environment, source = resolve_environment(
            None, os.environ.get("PULUMI_STACK"), program_value, program_key, []
        )
        return settings_mod.Settings(
            environment=environment, environment_source=source, health_data_key=program_health_data()
        )

    def defer(self, finding: Deferred) -> None:
        self._queue().append(finding)

    # -- 3. close --------------------------------------------------------------------------------

    def take(self, phase: str, urn: str | None = None) -> list[Deferred]:
        """Remove and return this thread's deferred findings of a phase (and resource)."""
        queue = self._queue()
        taken = [d for d in queue if d.phase == phase and (urn is None or d.urn == urn)]
        queue[:] = [d for d in queue if d not in taken]
        return taken

    def reset(self) -> None:
        """Drop this thread's deferred findings; for tests."""
        self._queue().clear()

    def _queue(self) -> list[Deferred]:
        if not hasattr(self._local, "deferred"):
            self._local.deferred = []
        queue: list[Deferred] = self._local.deferred
        return queue


CALL = AnalysisCall()

Policy = ResourceValidationPolicy | StackValidationPolicy


def check_order(
    policies: Sequence[Policy],
    opener: ResourceValidationPolicy,
    resource_closer: ResourceValidationPolicy,
    stack_closer: StackValidationPolicy,
) -> None:
    """Raise unless the opener is the first resource policy and each closer the last of its kind."""
    resource = [p for p in policies if isinstance(p, ResourceValidationPolicy)]
    stack = [p for p in policies if isinstance(p, StackValidationPolicy)]
    wrong = []
    if not resource or resource[0] is not opener:
        wrong.append(f"{opener.name} must be the first resource policy")
    if resource[-1:] != [resource_closer]:
        wrong.append(f"{resource_closer.name} must be the last resource policy")
    if stack[-1:] != [stack_closer]:
        wrong.append(f"{stack_closer.name} must be the last stack policy")
    if wrong:
        raise RuntimeError("sovereign-guard policy order (see analysis_call.py): " + "; ".join(wrong))
