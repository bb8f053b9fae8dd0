"""How every sovereign-guard policy is built: metadata, config defaults, suppressions, safety.

A check is a plain function `check(ctx) -> Iterable[Finding | str]`; `resource_policy` and
`stack_policy` wrap it in a pulumi-policy object with full metadata and:
- merge the policy's config over its schema defaults (the engine sends defaults; unit tests don't);
- apply suppressions: a suppressed finding is not reported by its policy but queued for the
  disclosure policies (advisory), which run last and report it with its reason;
- let UnknownValueError and not-applicable through, and turn any other exception into a
  violation (a policy that cannot decide fails closed, it does not crash the pack); the violation
  names the policy and the exception type only, the traceback goes to stderr.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError

from . import settings as settings_mod
from .references import Reference, check_ids
from .suppressions import Suppression, applied_message

# Relative to the repository root until the project has a published URL (set it here once).
DOCS_URL = "docs/policies.md"


@dataclass(frozen=True)
class Finding:
    """One violation; `urn` only for stack policies (the resource it is about)."""

    message: str
    urn: str | None = None


@dataclass(frozen=True)
class Meta:
    """Everything a policy declares besides its check."""

    name: str
    description: str
    severity: Severity
    level: EnforcementLevel
    remediation: str
    references: tuple[str, ...]
    config: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    """Resource type tokens the policy reads, for the docs ('*' style prefixes end with ':')."""
    suppressible: bool = True

    @property
    def refs(self) -> tuple[Reference, ...]:
        return check_ids(self.references)

    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config.items() if "default" in v}


@dataclass
class Context:
    """What a check sees: the SDK args, its config (defaults merged) and the pack settings."""

    args: Any
    config: dict[str, Any]
    settings: settings_mod.Settings

    def not_applicable(self, reason: str) -> None:
        self.args.not_applicable(reason)


Check = Callable[[Context], Iterable["Finding | str"] | None]


# ---------------------------------------------------------------------------------------------
# Registry and the disclosure queue.

REGISTRY: dict[str, Meta] = {}
POLICIES: dict[str, ResourceValidationPolicy | StackValidationPolicy] = {}


@dataclass(frozen=True)
class Applied:
    policy: str
    urn: str
    message: str
    suppression: Suppression
    phase: str


_local = threading.local()


def _queue() -> list[Applied]:
    if not hasattr(_local, "applied"):
        _local.applied = []
    queue: list[Applied] = _local.applied
    return queue


def reset_queue() -> None:
    _queue().clear()


def drain(phase: str, urn: str | None = None) -> list[Applied]:
    """Take the applied suppressions queued on this thread for this phase (and resource)."""
    queue = _queue()
    taken = [a for a in queue if a.phase == phase and (urn is None or a.urn == urn)]
    _local.applied = [a for a in queue if a not in taken]
    return taken


def disclose(applied: Applied) -> str:
    return applied_message(applied.suppression, applied.policy, applied.urn, applied.message)


# ---------------------------------------------------------------------------------------------
# Building policies.


def _framework(meta: Meta) -> PolicyComplianceFramework:
    refs = meta.refs
    main = next((r for r in refs if r.framework == "SecNumCloud"), refs[0])
    return PolicyComplianceFramework(
        name=main.framework,
        version=main.version or None,
        reference=main.clause,
        specification="; ".join(r.label() for r in refs),
    )


def _schema(meta: Meta) -> PolicyConfigSchema | None:
    if not meta.config:
        return None
    return PolicyConfigSchema(properties=dict(meta.config), required=list(meta.required) or None)


def _config(meta: Meta, given: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**meta.defaults(), **dict(given or {})}


def _report_findings(
    meta: Meta,
    ctx: Context,
    findings: Iterable[Finding | str] | None,
    report: ReportViolation,
    phase: str,
    default_urn: str,
) -> None:
    for item in findings or ():
        finding = item if isinstance(item, Finding) else Finding(str(item))
        urn = finding.urn or default_urn
        message = finding.message
        match = None
        if meta.suppressible and urn:
            match = next((s for s in ctx.settings.suppressions if s.matches(meta.name, urn)), None)
        if match is not None:
            _queue().append(Applied(meta.name, urn, message, match, phase))
            continue
        if meta.suppressible and urn:
            ignored = [r for r in ctx.settings.rejected if r.matches(meta.name, urn)]
            if ignored:
                message += "\n(not suppressed: " + "; ".join(r.describe() for r in ignored) + ")"
        report(message, finding.urn)


def _guarded(meta: Meta, check: Check, ctx: Context) -> Iterable[Finding | str]:
    try:
        return list(check(ctx) or ())
    except (UnknownValueError, _NotApplicableError):
        raise
    except Exception as err:
        # The exception text may quote property values (secrets included): it goes to stderr only
        # (never stdout, which carries the pack's port line), the violation names the type alone.
        print(
            f"sovereign-guard: policy {meta.name} failed on {_where(ctx)}:\n"
            + "".join(traceback.format_exception(err)),
            file=sys.stderr,
            flush=True,
        )
        return [
            f"the policy {meta.name} could not evaluate this resource ({type(err).__name__}; details on "
            "the policy pack's stderr); treated as a violation"
        ]


def _where(ctx: Context) -> str:
    urn = getattr(ctx.args, "urn", None)
    return str(urn) if urn else "the stack"


def _common(meta: Meta) -> dict[str, Any]:
    return {
        "description": meta.description,
        "enforcement_level": meta.level,
        "config_schema": _schema(meta),
        "severity": meta.severity,
        "framework": _framework(meta),
        "tags": sorted({meta.name.split("-")[0], *meta.tags}),
        "remediation_steps": meta.remediation,
        "url": f"{DOCS_URL}#{meta.name}",
    }


def _register(meta: Meta, policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    if meta.name in REGISTRY:
        raise ValueError(f"duplicate policy name {meta.name}")
    REGISTRY[meta.name] = meta
    POLICIES[meta.name] = policy


def resource_policy(meta: Meta, check: Check) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        ctx = Context(args, _config(meta, args.get_config()), settings_mod.current())
        findings = _guarded(meta, check, ctx)
        _report_findings(meta, ctx, findings, report, "resource", args.urn)

    policy = ResourceValidationPolicy(name=meta.name, validate=validate, **_common(meta))
    _register(meta, policy)
    return policy


def stack_policy(meta: Meta, check: Check) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        ctx = Context(args, _config(meta, args.get_config()), settings_mod.current())
        findings = _guarded(meta, check, ctx)
        _report_findings(meta, ctx, findings, report, "stack", "")

    policy = StackValidationPolicy(name=meta.name, validate=validate, **_common(meta))
    _register(meta, policy)
    return policy
