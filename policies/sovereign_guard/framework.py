"""How every sovereign-guard policy is built: metadata, scope, config defaults, suppressions, safety.

A check is a plain function `check(ctx) -> Iterable[Finding | str]`; `resource_policy` and
`stack_policy` wrap it in a pulumi-policy object with full metadata and:
- filter by resource type from `Meta.types` (or `Meta.types_from`, when the policy config names the
  types): a resource policy runs only on a resource of a declared type, a stack policy only on a
  stack holding at least one; otherwise the policy answers not applicable, naming the types. A
  check never filters types by hand;
- merge the policy's config over its schema defaults (the engine sends defaults; unit tests don't);
- apply suppressions: a suppressed finding is not reported by its policy but deferred to the
  disclosure policies (advisory), which run last and report it with its reason (the order is the
  contract in analysis_call.py);
- answer not applicable uniformly: a check calls `ctx.not_applicable(reason)` (never the SDK's
  `args.not_applicable`), and the framework answers the engine through pulumi-policy's public
  `args.not_applicable`, outside the check;
- let UnknownValueError through, and turn any other exception into a violation (a policy that
  cannot decide fails closed, it does not crash the pack); the violation names the policy and the
  exception type only, the traceback goes to stderr.

Adapting a policy written before type filtering: declare in `types` every type the check reads
(prefix patterns end with `*`, `*` alone is every type), drop the check's
`if ctx.args.resource_type != X: return`, and keep `ctx.not_applicable` for in-scope reasons.
A stack policy lists in `types` the types that make it applicable and in `reads` the other types
it only reads (shown in the docs).
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from . import settings as settings_mod
from .analysis_call import CALL, RESOURCE, STACK, Deferred
from .naming import area_of
from .references import Reference, check_ids
from .type_scope import any_matches, matcher

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
    """Type patterns the policy applies to: a type token, a prefix ending with `*`
    (`pulumi:providers:*`), or `*` for every type. The framework filters on them."""
    types_from: Callable[[Mapping[str, Any]], Iterable[str]] | None = None
    """When the policy config decides the types: the patterns from the config (defaults merged);
    `types` then shows the defaults."""
    reads: tuple[str, ...] = ()
    """Further types a stack policy reads without being applicable to them (docs only)."""
    suppressible: bool = True

    @property
    def refs(self) -> tuple[Reference, ...]:
        return check_ids(self.references)

    @functools.cached_property
    def _defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config.items() if "default" in v}

    def defaults(self) -> dict[str, Any]:
        # Computed once per policy: _config is run for every resource the policy applies to.
        return dict(self._defaults)

    def patterns(self, config: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(t) for t in self.types_from(config)) if self.types_from else self.types


class Unreadable(Exception):
    """Raised by a check when a property it must judge has a shape it cannot read.

    The message names the property path and the shape found, never a value: it becomes the
    violation's text as it is (fail closed, and say why)."""


class NotApplicable(Exception):
    """Raised by `Context.not_applicable`; the framework answers the engine with it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Context:
    """What a check sees: the SDK args, its config (defaults merged) and the pack settings."""

    args: Any
    config: dict[str, Any]
    settings: settings_mod.Settings

    def not_applicable(self, reason: str) -> NoReturn:
        raise NotApplicable(reason)


Check = Callable[[Context], Iterable["Finding | str"] | None]


# ---------------------------------------------------------------------------------------------
# Registry.

REGISTRY: dict[str, Meta] = {}
POLICIES: dict[str, ResourceValidationPolicy | StackValidationPolicy] = {}


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
            CALL.defer(Deferred(meta.name, urn, message, match, phase))
            continue
        if meta.suppressible and urn:
            ignored = [r for r in ctx.settings.rejected if r.matches(meta.name, urn)]
            if ignored:
                message += "\n(not suppressed: " + "; ".join(r.describe() for r in ignored) + ")"
        report(message, finding.urn)


def _guarded(meta: Meta, check: Check, ctx: Context) -> Iterable[Finding | str]:
    try:
        return list(check(ctx) or ())
    except (UnknownValueError, NotApplicable):
        raise
    except Unreadable as err:
        return [f"{err}: the policy {meta.name} cannot judge it; treated as a violation"]
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
        "tags": sorted({area_of(meta.name), *meta.tags}),
        "remediation_steps": meta.remediation,
        "url": f"{DOCS_URL}#{meta.name}",
    }


def _register(meta: Meta, policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    if meta.name in REGISTRY:
        raise ValueError(f"duplicate policy name {meta.name}")
    REGISTRY[meta.name] = meta
    POLICIES[meta.name] = policy


def _evaluate(meta: Meta, check: Check, ctx: Context) -> list[Finding | str] | str:
    """The check's findings, or the reason it is not applicable."""
    try:
        return list(_guarded(meta, check, ctx))
    except NotApplicable as na:
        return na.reason


def _check_and_report(
    meta: Meta, check: Check, ctx: Context, report: ReportViolation, phase: str, urn: str
) -> None:
    """Run the check: its reason to be not applicable goes to the engine, its findings to `report`."""
    outcome = _evaluate(meta, check, ctx)
    if isinstance(outcome, str):
        ctx.args.not_applicable(outcome)
    else:
        _report_findings(meta, ctx, outcome, report, phase, urn)


def resource_policy(meta: Meta, check: Check, *, opens_call: bool = False) -> ResourceValidationPolicy:
    """A resource policy; `opens_call` only for the settings policy, which opens every Analyze call
    (analysis_call.py), on every resource, before its own type filter."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        given = args.get_config()
        if opens_call:
            CALL.open(given, REGISTRY)
        # The type filter comes before the config merge when the types are fixed: most policies
        # are not about most resources.
        config = _config(meta, given) if meta.types_from else None
        patterns = meta.patterns(config) if config is not None else meta.types
        if not matcher(tuple(patterns))(args.resource_type):
            checked = ", ".join(patterns)
            args.not_applicable(f"{args.resource_type} is not a type this policy checks ({checked})")
        if config is None:
            config = _config(meta, given)
        _check_and_report(meta, check, Context(args, config, CALL.settings()), report, RESOURCE, args.urn)

    policy = ResourceValidationPolicy(name=meta.name, validate=validate, **_common(meta))
    _register(meta, policy)
    return policy


def _let_go(resources: list[PolicyResource]) -> None:
    """Drop what a stack policy was given once it is done with it.

    pulumi-policy converts the whole stack afresh for every stack policy and still holds the
    previous policy's conversion while it builds the next one: two copies of every resource's
    properties at once (110 MB at 15,000 resources). Emptied, the previous copy is a list of shells.
    Nothing reads them afterwards: the SDK only reports what the policy found.
    """
    for r in resources:
        r.props = {}
        r.provider = None
        r.parent = None
        r.dependencies = []
        r.property_dependencies = {}


def stack_policy(meta: Meta, check: Check) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        try:
            config = _config(meta, args.get_config())
            patterns = meta.patterns(config)
            if "*" not in patterns and not any_matches(patterns, (r.resource_type for r in args.resources)):
                args.not_applicable(f"no resource of type {', '.join(patterns)} in the stack")
            _check_and_report(meta, check, Context(args, config, CALL.settings()), report, STACK, "")
        finally:
            _let_go(args.resources)

    policy = StackValidationPolicy(name=meta.name, validate=validate, **_common(meta))
    _register(meta, policy)
    return policy
