"""Markdown for a pull-request comment: verdict, findings table, then the plan in <details>."""

from __future__ import annotations

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from ..model import Report, StackResult, Violation
from .common import counts, custody_row, detail, flow_row, framework_text, ordered


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _where(v: Violation) -> str:
    return f"`{v.location.repo_path}:{v.location.line}`" if v.location else ""


def _details(summary: str, header: str, rule: str, rows: list[str]) -> list[str]:
    """A table folded under <details>: the plan's sections stay out of the way of the findings."""
    return [f"<details><summary>{summary}</summary>", "", header, rule, *rows, "", "</details>", ""]


def _stack(s: StackResult) -> list[str]:
    lines = [f"### Stack `{s.stack}`", ""]
    if s.error:
        lines += [f"**Error ({s.error.kind}):** {_cell(s.error.message)}", ""]
        return lines
    c = counts(s)
    lines.append(
        f"{'❌' if c['mandatory'] else '✅'} **{c['mandatory']} mandatory**, {c['advisory']} advisory, "
        f"{c['suppressed']} suppressed, {len(s.resources)} resources"
    )
    lines.append("")
    active = [v for v in ordered(s.violations) if v.suppression is None]
    if active:
        lines += [
            "| Level | Severity | Policy | Resource | Source | Finding | Reference | Remediation |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for v in active:
            lines.append(
                f"| {v.enforcement} | {v.severity or '-'} | `{v.policy}` "
                f"| `{_cell(v.resource_name) or 'stack'}` "
                f"| {_where(v)} | {_cell(detail(v))} | {_cell(framework_text(v))} | {_cell(v.remediation)} |"
            )
        lines.append("")
    suppressed = [v for v in ordered(s.violations) if v.suppression is not None]
    if suppressed:
        lines += _details(
            "Suppressed findings",
            "| Policy | Resource | Reason | Expires | Approved by |",
            "| --- | --- | --- | --- | --- |",
            [
                f"| `{v.policy}` | `{_cell(v.resource_name) or 'stack'}` | {_cell(sup.reason)} "
                f"| {sup.expires or '-'} | {_cell(sup.approved_by) or '-'} |"
                for v in suppressed
                if (sup := v.suppression) is not None
            ],
        )
    lines += _details(
        "Plan summary",
        "| Resource type | Count |",
        "| --- | ---: |",
        [f"| `{type_}` | {n} |" for type_, n in s.counts_by_type().items()],
    )
    if s.flow_matrix:
        lines += _details(
            f"{FLOW_MATRIX.title} ({len(s.flow_matrix)} flows)",
            "| From | To | Protocol/ports | Origin | Justification |",
            "| --- | --- | --- | --- | --- |",
            [
                f"| `{src}` | `{dst}` | {proto} | {origin} | {_cell(why)} |"
                for src, dst, proto, origin, why in (flow_row(r) for r in s.flow_matrix)
            ],
        )
    if s.key_custody:
        lines += _details(
            f"{KEY_CUSTODY.title} ({len(s.key_custody)} keys)",
            "| Key | Generation | Custody | Where the material lives |",
            "| --- | ---: | --- | --- |",
            [
                f"| `{key}` | {generation} | {custody} | {_cell(where)} |"
                for key, generation, custody, where in (custody_row(r) for r in s.key_custody)
            ],
        )
    return lines


def render(report: Report) -> str:
    blocking = sum(1 for v in report.violations if v.blocking)
    errors = [s for s in report.stacks if s.error]
    if errors:
        verdict = f"⚠️ {len(errors)} stack(s) could not be analysed"
    elif blocking:
        verdict = f"❌ {blocking} mandatory violation(s)"
    else:
        verdict = "✅ no mandatory violation"
    pack = f"`{report.pack_name}` {report.pack_version}".strip()
    lines = [f"## Preflight: {verdict}", "", f"Project `{report.project}`, policy pack {pack}.", ""]
    for s in report.stacks:
        lines += _stack(s)
    return "\n".join(lines).rstrip() + "\n"
