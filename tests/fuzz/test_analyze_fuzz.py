"""Mutated AnalyzeRequests through the real pack process (issue 13).

One pack process, started and driven as the engine does (tests/policies/pack_helpers.py), receives
requests a careless program or a hostile one could produce: type tokens swapped or invented,
properties of the wrong type, nulls, deep nesting, huge strings, unknown values, secret envelopes
around anything. Two properties hold for every case:

- the pack never crashes: every Analyze call is answered, the process stays up, and no answer
  carries a traceback;
- a policy that cannot evaluate a resource reports it: every check that raised (the pack names it
  on its stderr) answered a violation naming the policy, and for each policy's judged property
  (analyze_cases.py), a value of the wrong shape is reported by that policy (a violation, or the SDK's
  preview diagnostic for an unknown value), never passed silently or answered not applicable.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

import preflight.process
from preflight.pack import PackSession
from tests.fuzz.analyze_cases import VOLUME, Base, judged_garbage, mutated
from tests.fuzz.conftest import TALLY, budget, tally
from tests.kubernetes import manifests as m
from tests.policies.conftest import run, urn
from tests.policies.doubles import crashing_policy
from tests.policies.pack_helpers import EXPLICIT, analyze_request, configure, pack_process

SUITE = "analyze requests"
CONFIG = {"hygiene-policy-config-require-validity": {"environment": "dev", "exposedZones": ["dmz"]}}
FAILED_RE = re.compile(r"^sovereign-guard: policy (\S+) failed on (\S+):$")
COULD_NOT = "could not evaluate this resource"

# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Iterator[PackSession]:
    # The whole stderr is kept (not a tail): every "policy X failed on URN" line is checked.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(preflight.process, "TAIL_LINES", 1_000_000)
        with pack_process("dev") as session:
            configure(session, CONFIG)
            yield session


NAMES = itertools.count()


def analyze_one(
    pack: PackSession, type_: str, props: dict[str, Any], secrets: tuple[str, ...]
) -> tuple[str, Any]:
    name = f"case-{next(NAMES)}"
    prov = None if type_.startswith("pulumi:providers:") else EXPLICIT
    request = analyze_request(type_, name, props, prov=prov, additional_secret_outputs=secrets)
    [(_, response)] = pack.analyze_all([request])
    assert pack.process.proc.poll() is None, "the pack process exited"
    for diag in response.diagnostics:
        assert "Traceback" not in diag.message, diag.message[:300]
    return request.urn, response


def reported(response: Any, policy: str) -> list[str]:
    return [d.message for d in response.diagnostics if d.policyName == policy]


def failures_on_stderr(pack: PackSession) -> list[tuple[str, str]]:
    time.sleep(0.5)  # the drain thread reads stderr a moment after the answer
    return [m.groups() for line in list(pack.process.stderr_tail) if (m := FAILED_RE.match(line))]  # type: ignore[misc]


def test_mutated_requests_never_crash_the_pack_and_every_failed_check_is_reported(pack: PackSession) -> None:
    answers: dict[str, Any] = {}

    @budget(60, 3000)
    @given(case=mutated())
    def one(case: tuple[Base, str, dict[str, Any]]) -> None:
        base, type_, props = case
        urn, response = analyze_one(pack, type_, props, base.secrets)
        answers[urn] = response
        outcome = "violation" if response.diagnostics else "no finding"
        tally(SUITE, outcome)

    one()
    failed = failures_on_stderr(pack)
    for policy, where in failed:
        assert where in answers, where
        assert any(COULD_NOT in m for m in reported(answers[where], policy)), (policy, where)
    # Summary lines, not cases: a crash or an unreported failure has already failed the test above.
    TALLY[f"{SUITE}: checks that raised, each reported as a violation"] += len(failed)
    TALLY[f"{SUITE}: crashes"] += 0


def test_a_wrong_shaped_judged_property_is_reported_never_passed(pack: PackSession) -> None:
    @budget(80, 4000)
    @given(case=judged_garbage())
    def one(case: tuple[Base, str, str, dict[str, Any]]) -> None:
        base, policy, key, props = case
        _, response = analyze_one(pack, base.type, props, base.secrets)
        skipped = [n.reason for n in response.not_applicable if n.policy_name == policy]
        messages = reported(response, policy)
        assert messages, f"{policy} passed {key}={props[key]!r:.200} silently (not applicable: {skipped})"
        tally(SUITE, "wrong-shaped judged property: reported")

    one()


def test_the_oracle_reads_what_the_framework_prints_for_a_failed_check(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """FAILED_RE and COULD_NOT match the framework's own stderr line and violation (a probe policy)."""
    from sovereign_guard import framework

    name = "hygiene-fuzz-probe-require-nothing"

    def crash(ctx: framework.Context) -> None:
        raise KeyError("probe")

    with crashing_policy(name, crash) as policy:
        result = run(policy, VOLUME, {"size": 1}, name="probe")
    lines = capfd.readouterr().err.splitlines()
    assert [m.groups() for line in lines if (m := FAILED_RE.match(line))] == [(name, urn(VOLUME, "probe"))]
    assert any(COULD_NOT in v for v in result.violations)


POD_POLICIES = ("kubernetes-workload-disallow-privileged", "kubernetes-workload-require-non-root")


def test_a_pod_spec_of_the_wrong_shape_is_reported(pack: PackSession) -> None:
    props = {**m.hardened_deployment(), "spec": ["not", "an", "object"]}
    _, response = analyze_one(pack, "kubernetes:apps/v1:Deployment", props, ())
    silent = [p for p in POD_POLICIES if not reported(response, p)]
    assert not silent, f"passed a Deployment whose spec is a list: {silent}"
