"""Hygiene: the pack's own settings, and the disclosure of every applied suppression.

`SETTINGS` must be the first policy of the pack and the two disclosure policies the last ones of
their kind (sovereign_guard.ALL_POLICIES keeps that order; a test pins it).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from . import framework
from . import settings as settings_mod
from .framework import Context, Finding, Meta, resource_policy, stack_policy
from .values import is_provider_type

SETTINGS_POLICY = "hygiene-policy-config-require-validity"


def _settings(ctx: Context) -> Iterator[str]:
    # First policy of every Analyze call: start this call's disclosure queue afresh and publish the
    # settings before any other policy reads them.
    framework.reset_queue()
    parsed = settings_mod.publish_from_config(ctx.args.get_config(), framework.REGISTRY)
    if not is_provider_type(ctx.args.resource_type):
        return
    # Reported on provider resources only: once or twice per stack, not on every resource.
    for problem in parsed.problems:
        yield f"policy config: {problem}"


SETTINGS = resource_policy(
    Meta(
        name=SETTINGS_POLICY,
        description=(
            "The pack-wide settings (environment, exposed zones, administrators' ranges, approved endpoints, "
            "offer overrides, suppressions) are valid, and no suppression is malformed or expired."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Fix the entry named in the message in stacks/<stack>.policy.json (docs/policies.md describes "
            "every field); renew an expired suppression with a new review, or remove it and fix the resource."
        ),
        references=("choice-suppressions", "snc-13.1"),
        config=settings_mod.SCHEMA,
        types=("pulumi:providers:*",),
        suppressible=False,
    ),
    _settings,
)


def _disclose_resource(ctx: Context) -> Iterator[str]:
    applied = framework.drain("resource", ctx.args.urn)
    if not applied:
        ctx.not_applicable("no suppression applied")
    for item in applied:
        yield framework.disclose(item)


DISCLOSE = resource_policy(
    Meta(
        name="hygiene-suppression-enforce-disclosure",
        description=(
            "Every suppression applied to a resource's violation is reported, with its reason and expiry."
        ),
        severity=Severity.LOW,
        level=EnforcementLevel.ADVISORY,
        remediation="Nothing to do while the reason holds; fix the resource before the suppression expires.",
        references=("choice-suppressions",),
        types=("*",),
        suppressible=False,
    ),
    _disclose_resource,
)


def _disclose_stack(ctx: Context) -> Iterator[Finding]:
    applied = framework.drain("stack")
    if not applied:
        ctx.not_applicable("no suppression applied")
    for item in applied:
        yield Finding(framework.disclose(item), item.urn)


DISCLOSE_STACK = stack_policy(
    Meta(
        name="hygiene-stack-suppression-enforce-disclosure",
        description=(
            "Every suppression applied to a stack policy's violation is reported, with its reason and expiry."
        ),
        severity=Severity.LOW,
        level=EnforcementLevel.ADVISORY,
        remediation="Nothing to do while the reason holds; fix the resource before the suppression expires.",
        references=("choice-suppressions",),
        types=("*",),
        suppressible=False,
    ),
    _disclose_stack,
)
