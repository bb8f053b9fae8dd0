"""Hygiene: the pack's own settings, and the disclosure of every applied suppression.

`SETTINGS` opens every analyzer call and must be the first resource policy; the two disclosure
policies close it and must be the last ones of their kind (analysis_call.py is the contract;
sovereign_guard.ALL_POLICIES keeps that order and refuses another).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .analysis_call import CALL, RESOURCE, STACK
from .framework import Context, Finding, Meta, resource_policy, stack_policy
from .settings_schema import SCHEMA

SETTINGS_POLICY = "hygiene-policy-config-require-validity"


def _settings(ctx: Context) -> Iterator[str]:
    # The framework opened the call (published the settings) on every resource; the problems are
    # reported on provider resources only (the declared types), and on the first of them only: one
    # policy-config problem is one diagnostic per run, however many providers the stack has.
    problems = ctx.settings.problems
    if not problems:
        return
    if not CALL.first_report():
        ctx.not_applicable("the policy config's problems are reported once per run, on the first provider")
    for problem in problems:
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
        config=SCHEMA,
        types=("pulumi:providers:*",),
        suppressible=False,
    ),
    _settings,
    opens_call=True,
)


def _disclosure_meta(name: str, whose: str) -> Meta:
    """The two disclosure policies differ only in whose violations they disclose."""
    return Meta(
        name=name,
        description=(
            f"Every suppression applied to {whose} violation is reported, with its reason and expiry."
        ),
        severity=Severity.LOW,
        level=EnforcementLevel.ADVISORY,
        remediation="Nothing to do while the reason holds; fix the resource before the suppression expires.",
        references=("choice-suppressions",),
        types=("*",),
        suppressible=False,
    )


def _disclose_resource(ctx: Context) -> Iterator[str]:
    deferred = CALL.take(RESOURCE, ctx.args.urn)
    if not deferred:
        ctx.not_applicable("no suppression applied")
    for item in deferred:
        yield item.disclosure()


DISCLOSE = resource_policy(
    _disclosure_meta("hygiene-suppression-enforce-disclosure", "a resource's"),
    _disclose_resource,
)


def _disclose_stack(ctx: Context) -> Iterator[Finding]:
    deferred = CALL.take(STACK)
    if not deferred:
        ctx.not_applicable("no suppression applied")
    for item in deferred:
        yield Finding(item.disclosure(), item.urn)


DISCLOSE_STACK = stack_policy(
    _disclosure_meta("hygiene-stack-suppression-enforce-disclosure", "a stack policy's"),
    _disclose_stack,
)
