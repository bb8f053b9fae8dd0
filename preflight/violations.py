"""The pack's findings on one stack as violations: each on its resource and source line, with the
policy's metadata, and the suppression that applied to it, if any (suppression_records.py reads those).

An expired suppression the pack refused fails the stack as bad config (exit 2), before any
violation is built.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import suppression_records
from .analysis import PackVerdict
from .errors import UsageError
from .findings import Diagnostic, Finding
from .locations import Locator
from .model import AppliedSuppression, Location, Violation
from .pack import LEVELS, SEVERITIES
from .registration import STACK_TYPE, Registration
from .suppression_records import AppliedRecord


class ViolationBuilder:
    """Builds the violations of one stack; every text that reaches a report is scrubbed."""

    def __init__(
        self,
        stack: str,
        verdict: PackVerdict,
        registrations: list[Registration],
        locate: Callable[[Registration | None], Location | None],
        scrub: Callable[[str], str],
    ) -> None:
        self.stack = stack
        self.info = verdict.info
        self.levels = verdict.levels
        self.by_urn = {r.urn: r for r in registrations}
        self.root = next((r for r in registrations if r.type == STACK_TYPE), None)
        self.locate = locate
        self.scrub = scrub

    def unsuppressed(self, finding: Finding) -> Violation:
        phase, urn, diag = finding
        level = LEVELS.get(diag.enforcement_level, "advisory")
        return self.build(phase, urn, diag, diag.policy_name, diag.message, level, None)

    def suppressed(self, record: AppliedRecord, finding: Finding) -> Violation:
        """The violation a disclosure reports, at the level its own policy has in this stack."""
        phase, urn, diag = finding
        level = self.levels.get(record.policy, "mandatory")
        message = record.message or diag.message
        return self.build(phase, record.urn or urn, diag, record.policy, message, level, record.suppression())

    def build(
        self,
        phase: str,
        urn: str,
        diag: Diagnostic,
        policy: str,
        message: str,
        level: str,
        sup: AppliedSuppression | None,
    ) -> Violation:
        reg = self.by_urn.get(urn) or (self.root if not urn else None)
        meta = self.info.policies.get(policy)
        return Violation(
            stack=self.stack,
            policy=policy,
            pack=diag.policy_pack_name or self.info.name,
            pack_version=self.info.version or diag.policy_pack_version,
            enforcement=level,
            severity=self._severity(diag, policy),
            message=self.scrub(message),
            description=(meta.description if meta else "") or diag.description,
            urn=self.scrub(reg.urn if reg else urn),
            resource_type=reg.type if reg else "",
            resource_name=self.scrub(reg.name) if reg else "",
            location=self.locate(reg),
            framework=meta.framework if meta else None,
            remediation=meta.remediation if meta else "",
            url=meta.url if meta else "",
            tags=meta.tags if meta else (),
            phase=phase,
            suppression=sup,
        )

    def _severity(self, diag: Diagnostic, policy: str) -> str:
        # A disclosure's own severity is not the suppressed policy's: take that from the pack info.
        own = SEVERITIES.get(diag.severity, "") if policy == diag.policy_name else ""
        meta = self.info.policies.get(policy)
        return own or (meta.severity if meta else "")


def stack_violations(
    stack: str,
    verdict: PackVerdict,
    registrations: list[Registration],
    *,
    locator: Locator,
    stack_file: Path,
    scrub: Callable[[str], str],
    policy_config_name: str | None,
) -> list[Violation]:
    """Every violation of one stack, unsuppressed ones first, in the pack's order."""
    gone = suppression_records.expired(verdict.findings)
    if gone:
        more = f" (and {len(gone) - 1} more)" if len(gone) > 1 else ""
        where = policy_config_name or "the policy config"
        raise UsageError(f"stack '{stack}': {where}: {gone[0]}{more}")
    found, applied = suppression_records.split(verdict.findings, verdict.info.name)
    builder = ViolationBuilder(
        stack, verdict, registrations, lambda reg: locator.of_registration(reg, stack_file), scrub
    )
    return [builder.unsuppressed(f) for f in found] + [builder.suppressed(r, f) for r, f in applied]
