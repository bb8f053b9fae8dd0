"""The report: what preflight found for each stack, independent of any output format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import EXIT_CRASH, EXIT_OK, EXIT_USAGE, EXIT_VIOLATIONS

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file (relative to the project and to the repository root) and line."""

    path: str
    repo_path: str
    line: int


@dataclass(frozen=True)
class AppliedSuppression:
    """A suppression the pack applied, as its diagnostic described it."""

    reason: str
    expires: str = ""
    approved_by: str = ""
    pattern: str = ""


@dataclass(frozen=True)
class Violation:
    stack: str
    policy: str
    pack: str
    pack_version: str
    enforcement: str
    severity: str
    message: str
    description: str
    urn: str
    resource_type: str
    resource_name: str
    location: Location | None
    framework: dict[str, str] | None
    remediation: str
    url: str
    tags: tuple[str, ...]
    phase: str
    """"resource" (Analyze) or "stack" (AnalyzeStack)."""
    suppression: AppliedSuppression | None = None

    @property
    def blocking(self) -> bool:
        return self.enforcement == "mandatory" and self.suppression is None


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    name: str
    custom: bool
    location: Location | None


@dataclass(frozen=True)
class StackError:
    kind: str
    """"usage" (exit 2) or "crash" (exit 3)."""
    message: str
    detail: str = ""
    """A traceback or the pack's stderr tail: shown with --debug, never in a report."""

    @property
    def exit_code(self) -> int:
        return EXIT_USAGE if self.kind == "usage" else EXIT_CRASH


@dataclass
class StackResult:
    stack: str
    stack_file: str
    policy_config: str | None = None
    resources: list[Resource] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    policies: dict[str, str] = field(default_factory=dict)
    """Each policy's enforcement level in force for this stack."""
    flow_matrix: list[dict[str, Any]] | None = None
    key_custody: list[dict[str, Any]] | None = None
    """Who holds each key: a component's `key_custody` output (never key material)."""
    timings: dict[str, float] = field(default_factory=dict)
    error: StackError | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        return EXIT_VIOLATIONS if any(v.blocking for v in self.violations) else EXIT_OK

    def counts_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.resources:
            counts[r.type] = counts.get(r.type, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class PolicyInfo:
    """What the pack says about one policy in GetAnalyzerInfo: the pack client (pack.py) builds it,
    the analysis configures the pack with it, and the report shows it."""

    name: str
    description: str
    enforcement: str
    """The pack's own level; the level in force for a stack is in StackResult.policies."""
    severity: str
    kind: str
    """"resource" or "stack"."""
    display_name: str = ""
    framework: dict[str, str] | None = None
    tags: tuple[str, ...] = ()
    remediation: str = ""
    url: str = ""
    config_schema: dict[str, Any] = field(default_factory=dict)
    """The policy's config schema (`properties`, `required`), to validate the policy config."""


@dataclass
class Report:
    tool_version: str
    project: str
    project_dir: str
    pack_name: str = ""
    pack_version: str = ""
    pack_dir: str = ""
    policies: dict[str, PolicyInfo] = field(default_factory=dict)
    stacks: list[StackResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        # A crash outranks bad input, which outranks violations: never 0 when anything failed.
        return max((s.exit_code for s in self.stacks), default=EXIT_OK)

    @property
    def violations(self) -> list[Violation]:
        return [v for s in self.stacks for v in s.violations]
