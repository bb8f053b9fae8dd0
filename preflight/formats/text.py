"""Plain text for a terminal: findings first, then the plan summary and the flow matrix."""

from __future__ import annotations

import functools
import textwrap

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from ..model import Report, StackResult, Violation
from .common import counts, custody_row, detail, flow_row, framework_text, ordered


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


@functools.lru_cache(maxsize=256)
def _wrapped(remediation: str) -> str:
    # A policy's remediation is the same text on each of its violations (28,000 at the largest
    # benchmark size): wrapped once.
    return textwrap.fill(remediation, width=96, subsequent_indent=" " * 15)


def _violation(v: Violation) -> list[str]:
    head = "SUPPRESSED" if v.suppression else v.enforcement.upper()
    sev = f" [{v.severity}]" if v.severity else ""
    lines = [f"  {head}{sev} {v.policy}"]
    if v.resource_name:
        lines.append(f"    resource:  {v.resource_type} {v.resource_name}")
    lines.append(f"    urn:       {v.urn or '(stack)'}")
    if v.location:
        lines.append(f"    source:    {v.location.path}:{v.location.line}")
    lines.append("    message:")
    lines.append(_indent(detail(v), "      "))
    if v.framework:
        lines.append(f"    reference: {framework_text(v)}")
    if v.remediation:
        lines.append(f"    fix:       {_wrapped(v.remediation)}")
    if v.suppression:
        s = v.suppression
        extra = ", ".join(
            x
            for x in (
                f"expires {s.expires}" if s.expires else "",
                f"approved by {s.approved_by}" if s.approved_by else "",
            )
            if x
        )
        lines.append(f"    suppressed: {s.reason}" + (f" ({extra})" if extra else ""))
    return lines


def _stack(s: StackResult) -> list[str]:
    title = f"Stack {s.stack}"
    if s.stack_file:
        title += f" ({s.stack_file}"
        title += f", policy config {s.policy_config})" if s.policy_config else ", no policy config)"
    lines = [title, "=" * len(title)]
    if s.error:
        lines.append(f"  ERROR ({s.error.kind}): {s.error.message}")
        return lines
    vs = ordered(s.violations)
    if not vs:
        lines.append("  No policy violation.")
    for v in vs:
        lines.extend(_violation(v))
        lines.append("")
    lines.append(f"Plan: {len(s.resources)} resources")
    for type_, n in s.counts_by_type().items():
        lines.append(f"  {n:4d}  {type_}")
    if s.flow_matrix:
        lines.append("")
        lines.append(f"{FLOW_MATRIX.title} ({len(s.flow_matrix)} flows)")
        rows = [flow_row(r) for r in s.flow_matrix]
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        w2 = max(len(r[2]) for r in rows)
        w3 = max(len(r[3]) for r in rows)
        for src, dst, proto, origin, why in rows:
            lines.append(f"  {src:<{w0}} -> {dst:<{w1}}  {proto:<{w2}}  {origin:<{w3}}  {why}")
    if s.key_custody:
        lines.append("")
        lines.append(f"{KEY_CUSTODY.title} ({len(s.key_custody)} keys)")
        for key, generation, custody, where in (custody_row(r) for r in s.key_custody):
            lines.append(f"  {key} g{generation}  {custody}: {where}")
    c = counts(s)
    timing = ""
    if s.timings:
        timing = (
            f" (program {s.timings.get('program', 0):.2f} s, policies {s.timings.get('policy', 0):.2f} s)"
        )
    verdict = "FAIL" if c["mandatory"] else "PASS"
    lines.append("")
    lines.append(
        f"{verdict} {s.stack}: {c['mandatory']} mandatory, {c['advisory']} advisory, "
        f"{c['suppressed']} suppressed{timing}"
    )
    return lines


def render(report: Report) -> str:
    pack = f"{report.pack_name} {report.pack_version}".strip() or "(not started)"
    out = [f"preflight {report.tool_version}: project {report.project}, policy pack {pack}", ""]
    for s in report.stacks:
        out.extend(_stack(s))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
