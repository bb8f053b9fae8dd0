"""A pack's diagnostics as preflight keeps them: plain values, taken out of the protobuf answer.

An AnalyzeResponse carries, beside its diagnostics, every policy's not-applicable reason (about
18 KB per resource with sovereign-guard's 53 policies), and a diagnostic message keeps its whole
response alive. Preflight reads the few fields a report uses as soon as an answer arrives and lets
the answer go: at 4,500 resources the answers held 80 MB until the report was built.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One AnalyzeDiagnostic (pulumi/proto/analyzer.proto), as far as a report reads it."""

    policy_name: str
    policy_pack_name: str
    policy_pack_version: str
    description: str
    message: str
    urn: str
    enforcement_level: int
    severity: int


Finding = tuple[str, str, Diagnostic]
"""(phase: "resource" or "stack", URN the diagnostic concerns, the diagnostic)."""


def diagnostic(pb: Any) -> Diagnostic:
    """The diagnostic of an analyzer_pb2.AnalyzeDiagnostic; names repeated across thousands of
    findings are shared."""
    return Diagnostic(
        policy_name=sys.intern(pb.policyName),
        policy_pack_name=sys.intern(pb.policyPackName),
        policy_pack_version=sys.intern(pb.policyPackVersion),
        description=sys.intern(pb.description),
        message=pb.message,
        urn=sys.intern(pb.urn),
        enforcement_level=pb.enforcementLevel,
        severity=pb.severity,
    )


def findings(phase: str, fallback_urn: str, response: Any) -> list[Finding]:
    """Every diagnostic of an AnalyzeResponse, each on its own URN or else on `fallback_urn`."""
    return [(phase, pb.urn or fallback_urn, diagnostic(pb)) for pb in response.diagnostics]
