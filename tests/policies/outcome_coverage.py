"""Which outcomes of each policy the tests have seen: compliant, violating, not applicable.

DESIGN.md asks every policy for a compliant case, a violating case and a not-applicable case. A
declared table could claim them; this module instead records what the tests actually observed:
`Result.ok`, `Result.violated` and `Result.is_not_applicable` (conftest.py) record the policy and
the outcome each time one of them is true, which is when a test asserts it. After every other
test of tests/policies has run, test_outcome_coverage.py checks that every registered policy was
seen in all three outcomes. An outcome a policy genuinely cannot have (no compliant answer when
every in-scope case is either out of its concern or a violation) is named in `IMPOSSIBLE` with the
reason; nothing is exempt silently, and an exemption whose outcome a test does observe is stale and
fails the meta-test too.

The check needs the whole directory: `Selection` notes whether any test module of tests/policies
was left out or any of its tests deselected (-k, --lf, a single node id), and the meta-test then
skips, saying so, instead of failing on outcomes the session never ran.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

COMPLIANT = "compliant"
VIOLATING = "violating"
NOT_APPLICABLE = "not-applicable"
OUTCOMES = (COMPLIANT, VIOLATING, NOT_APPLICABLE)

# Outcomes a policy cannot have, each with the reason. Every policy here can still be seen failing
# and not applying; none lacks a not-applicable answer (the policies over `*` skip the stack itself,
# a component without provider, or a resource with nothing to disclose).
IMPOSSIBLE: dict[str, dict[str, str]] = {
    "access-instance-disallow-admin-password": {
        COMPLIANT: "an instance without adminPass is out of the policy's concern (not applicable); "
        "any adminPass is a violation",
    },
    "network-ingress-disallow-public-all-ports": {
        COMPLIANT: "a rule limited in ports, egress or from a private source is not applicable; a "
        "public all-ports ingress rule is a violation",
    },
    "sovereignty-provider-disallow-default": {
        COMPLIANT: "an explicit provider or none is not applicable; a default provider is a violation",
    },
    "hygiene-suppression-enforce-disclosure": {
        COMPLIANT: "it answers not applicable when no suppression applied and reports (advisory) each "
        "one that did",
    },
    "hygiene-stack-suppression-enforce-disclosure": {
        COMPLIANT: "it answers not applicable when no suppression applied and reports (advisory) each "
        "one that did",
    },
}

HERE = Path(__file__).resolve().parent
COVERAGE_TEST = "test_outcome_coverage.py"


class Observed:
    """The outcomes seen per policy during this session."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = defaultdict(set)

    def record(self, policy: str, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self._seen[policy].add(outcome)

    def seen(self, policy: str) -> frozenset[str]:
        return frozenset(self._seen.get(policy, ()))

    def missing(
        self, policies: Iterable[str], impossible: Mapping[str, Mapping[str, str]]
    ) -> dict[str, list[str]]:
        """Policy -> the outcomes no test has seen (the impossible ones excluded)."""
        gaps: dict[str, list[str]] = {}
        for name in policies:
            wanted = [o for o in OUTCOMES if o not in impossible.get(name, {})]
            absent = [o for o in wanted if o not in self._seen.get(name, ())]
            if absent:
                gaps[name] = absent
        return gaps

    def contradicted(self, impossible: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
        """Policy -> the outcomes declared impossible that a test did see (a stale exemption)."""
        stale = {name: sorted(set(why) & self.seen(name)) for name, why in impossible.items()}
        return {name: outcomes for name, outcomes in stale.items() if outcomes}


OBSERVED = Observed()


class Selection:
    """Whether this session runs every test of tests/policies (set by conftest.py's hooks)."""

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.deselected: list[str] = []

    def note_items(self, paths: Iterable[Path]) -> None:
        self.modules |= {p.name for p in paths if p.resolve().parent == HERE}

    def note_deselected(self, paths: Iterable[Path]) -> None:
        self.deselected += [p.name for p in paths if p.resolve().parent == HERE]

    def incomplete(self) -> str | None:
        """Why the session does not run the whole directory, or None when it does."""
        expected = {p.name for p in HERE.glob("test_*.py")}
        left_out = sorted(expected - self.modules)
        if left_out:
            return f"test modules not collected: {', '.join(left_out)}"
        if self.deselected:
            return f"{len(self.deselected)} tests deselected (e.g. in {self.deselected[0]})"
        return None


SELECTION = Selection()
