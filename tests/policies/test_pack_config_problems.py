"""Issue 13: one policy-config problem is reported once per run, by the pack itself.

The settings policy reads its config on every resource but reports the config's problems on the
first provider resource only (analysis_call.py), so neither preflight nor the CLI repeats a problem
once per provider. A fresh pack process, driven as the engine drives it: several providers and
resources analysed concurrently, the problem mandatory once, the other providers not applicable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime.proto import analyzer_pb2
from sovereign_guard import hygiene

from preflight.pack import PackSession

from .conftest import DEV_PROVIDER, HTTPS_IN, RULE_TYPE
from .pack_helpers import CONFIG, EXPLICIT, OS_PROVIDER, analyze_request, configure, pack_process

SETTINGS = hygiene.SETTINGS_POLICY
BAD = {
    SETTINGS: {
        **CONFIG[SETTINGS],
        "adminSourceCidrs": ["0.0.0.0/0"],
        "suppressions": [{**CONFIG[SETTINGS]["suppressions"][0], "expires": "2020-01-01"}],
    }
}


def run_requests() -> list[Any]:
    """A run's Analyze calls: five provider resources (explicit and default, three packages) and rules."""
    providers = [
        analyze_request(
            OS_PROVIDER,
            "lz-provider",
            DEV_PROVIDER,
            additional_secret_outputs=["applicationCredentialSecret"],
        ),
        analyze_request(OS_PROVIDER, "default_5_5_3", {"region": "GRA11", "version": "5.5.3"}),
        analyze_request(
            OS_PROVIDER,
            "lz-provider-backup",
            DEV_PROVIDER,
            additional_secret_outputs=["applicationCredentialSecret"],
        ),
        analyze_request("pulumi:providers:random", "default_4_21_4", {"version": "4.21.4"}),
        analyze_request("pulumi:providers:kubernetes", "k8s", {"kubeconfig": "{}", "version": "4.34.2"}),
    ]
    rules = [analyze_request(RULE_TYPE, f"https-in-{i}", HTTPS_IN, prov=EXPLICIT) for i in range(5)]
    return [*providers, *rules]


def settings_diagnostics(pack: PackSession, requests: list[Any]) -> tuple[list[Any], list[str]]:
    """The settings policy's (URN, diagnostic) over one run, and the URNs where it was not applicable."""
    found, skipped = [], []
    for request, response in pack.analyze_all(requests):
        found += [(request.urn, d) for d in response.diagnostics if d.policyName == SETTINGS]
        if any(n.policy_name == SETTINGS for n in response.not_applicable):
            skipped.append(request.urn)
    return found, skipped


@pytest.fixture(scope="module")
def pack() -> Iterator[PackSession]:
    with pack_process("dev") as session:
        yield session


def test_a_config_problem_is_reported_once_per_run_and_stays_mandatory(pack: PackSession) -> None:
    configure(pack, BAD)
    requests = run_requests()
    found, skipped = settings_diagnostics(pack, requests)
    messages = [d.message for _, d in found]
    assert len([m for m in messages if "adminSourceCidrs" in m]) == 1, messages
    assert len([m for m in messages if "expired on 2020-01-01" in m]) == 1, messages
    assert len(found) == 2 and len({u for u, _ in found}) == 1  # both on one provider
    assert all(d.enforcementLevel == analyzer_pb2.MANDATORY for _, d in found)
    reported_on = found[0][0]
    assert reported_on in {r.urn for r in requests if r.type.startswith("pulumi:providers:")}
    # The other four providers answered not applicable, saying why; the rules are out of its types.
    assert set(skipped) == {r.urn for r in requests} - {reported_on}
    # Later calls of the same run do not repeat it.
    again, _ = settings_diagnostics(pack, run_requests())
    assert again == []


def test_another_config_is_judged_and_reported_afresh(pack: PackSession) -> None:
    configure(pack, CONFIG)  # valid: nothing to report
    found, _ = settings_diagnostics(pack, run_requests())
    assert found == []
    other = {SETTINGS: {**CONFIG[SETTINGS], "adminSourceCidrs": ["198.50.0.0/15"]}}
    configure(pack, other)
    found, _ = settings_diagnostics(pack, run_requests())
    assert [d.message for _, d in found] == [
        next(d.message for _, d in found if "adminSourceCidrs" in d.message)
    ], [d.message for _, d in found]
